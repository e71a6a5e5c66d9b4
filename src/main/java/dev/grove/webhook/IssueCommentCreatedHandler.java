package dev.grove.webhook;

import dev.grove.queue.WebhookEvent;

import dev.grove.queue.EventHandler;

import dev.grove.queue.Routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Command;
import dev.grove.command.CommandParser;
import dev.grove.command.ParseResult;
import dev.grove.command.Triggers;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@code issue_comment.created}, on an issue or a pull request: a job when the comment is addressed to Grove and
 * its author is a person. Comments from bots, Grove's own replies included, are never commands.
 */
public final class IssueCommentCreatedHandler implements EventHandler {
    private final CommandParser parser = new CommandParser();
    private final Consumer<Triggers.Comment> comments;
    private final Predicate<Triggers.Comment> admit;
    private final Consumer<Triggers.Comment> admitted;

    /** Every command handled whole by {@code comments}, on its lane. */
    public IssueCommentCreatedHandler(Consumer<Triggers.Comment> comments) {
        this(comments, null, null);
    }

    /**
     * Short commands handled whole by {@code comments}; a long one gated: {@code admit} on the short lane (the
     * permission gate, so a refusal never waits behind runs), then {@code admitted} on the long lane if it said yes.
     */
    public IssueCommentCreatedHandler(Consumer<Triggers.Comment> comments, Predicate<Triggers.Comment> admit,
            Consumer<Triggers.Comment> admitted) {
        this.comments = comments;
        this.admit = admit;
        this.admitted = admitted;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        JsonNode author = p.path("comment").path("user");
        if (Senders.isBot(p.path("sender")) || Senders.isBot(author)) {
            return new Routing.Ignore("the comment is by a bot (" + author.path("login").asText() + ")");
        }
        String body = p.path("comment").path("body").asText("");
        ParseResult parsed = parser.parse(body);
        if (parsed instanceof ParseResult.Ignored ignored) {
            return new Routing.Ignore("not a command: " + ignored.reason());
        }
        if (!Payloads.hasInstallation(p)) {
            return new Routing.Ignore("the delivery names no App installation");
        }
        Triggers.Comment t = new Triggers.Comment(Payloads.issueRequest(p, author.path("login").asText()), body,
                p.path("issue").has("pull_request"), p.path("comment").path("id").asLong(0));
        String description = "command on " + t.req().repo() + "#" + t.req().issueNumber();
        Routing.Lane lane = lane(parsed);
        if (lane == Routing.Lane.LONG && admit != null) {
            return Routing.Enqueue.gated(description, () -> admit.test(t), () -> admitted.accept(t));
        }
        return new Routing.Enqueue(description, () -> comments.accept(t), lane);
    }

    /** status, cancel, help and malformed commands are short: they never wait behind runs. */
    static Routing.Lane lane(ParseResult parsed) {
        if (parsed instanceof ParseResult.Parsed p && (p.command() instanceof Command.Status
                || p.command() instanceof Command.Cancel || p.command() instanceof Command.Help)) {
            return Routing.Lane.SHORT;
        }
        return parsed instanceof ParseResult.Reply ? Routing.Lane.SHORT : Routing.Lane.LONG;
    }
}
