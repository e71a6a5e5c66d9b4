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

/**
 * {@code issue_comment.created}, on an issue or a pull request: a job when the comment is addressed to Grove and
 * its author is a person. Comments from bots, Grove's own replies included, are never commands.
 */
public final class IssueCommentCreatedHandler implements EventHandler {
    private final CommandParser parser = new CommandParser();
    private final Consumer<Triggers.Comment> comments;

    public IssueCommentCreatedHandler(Consumer<Triggers.Comment> comments) {
        this.comments = comments;
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
        return new Routing.Enqueue("command on " + t.req().repo() + "#" + t.req().issueNumber(), () -> comments.accept(t),
                lane(parsed));
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
