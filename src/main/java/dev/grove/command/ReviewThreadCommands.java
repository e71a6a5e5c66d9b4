package dev.grove.command;

import dev.grove.config.RepoConfigLoader;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.pipeline.ReviewThreads;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Review comments on the diff of a Grove pull request: a comment from someone {@link CommandAuthorizer} lets drive
 * Grove is kept and its pull request's batch scheduled; anyone else's is ignored without a reply (a review comment is
 * no command, so a refusal in every thread would only be noise). The batch, when its window has passed, is one
 * revise of every comment kept ({@link ReviewThreads}).
 */
public final class ReviewThreadCommands {
    private static final Logger log = LoggerFactory.getLogger(ReviewThreadCommands.class);

    /** Runs the pull request's batch once the window has passed (at most one waiting per pull request). */
    @FunctionalInterface
    public interface BatchScheduler {
        void schedule(ReviewThreads.Batch batch);
    }

    private final LongFunction<GitHubGateway> gateways;
    private final RepoConfigLoader configs;
    private final CommandAuthorizer authorizer;
    private final StateStore store;
    private final ReviewThreads threads;
    private final BatchScheduler batches;

    public ReviewThreadCommands(LongFunction<GitHubGateway> gateways, RepoConfigLoader configs,
            CommandAuthorizer authorizer, StateStore store, ReviewThreads threads, BatchScheduler batches) {
        this.gateways = gateways;
        this.configs = configs;
        this.authorizer = authorizer;
        this.store = store;
        this.threads = threads;
        this.batches = batches;
    }

    public void onComment(Triggers.ReviewThreadComment t) {
        Triggers.Repo r = t.repo();
        RepoRef repo = r.repo();
        if (store.taskByPullRequest(repo, t.pullNumber()).isEmpty()) {
            log.info("{}#{} is not a Grove pull request; its review comments are not Grove's business", repo,
                    t.pullNumber());
            return;
        }
        GitHubGateway github = gateways.apply(r.installationId());
        RepoConfigLoader.Loaded loaded = configs.load(github, repo, r.defaultBranch());
        if (!loaded.readable()) {
            log.info("{}#{}: the repository's config cannot be read; review comment {} ignored", repo, t.pullNumber(),
                    t.comment().id());
            return;
        }
        String author = t.comment().author();
        CommandAuthorizer.Decision decision;
        try {
            decision = authorizer.check(github, repo, author, loaded.config());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the permission of " + author, e); // the job is retried
        }
        if (!decision.allowed()) {
            log.info("{}#{}: review comment {} by {} ({}) ignored: they may not drive Grove", repo, t.pullNumber(),
                    t.comment().id(), author, decision.role());
            return;
        }
        ReviewThreads.Batch batch = new ReviewThreads.Batch(repo.fullName(), r.installationId(), r.cloneUrl(),
                r.defaultBranch(), t.pullNumber());
        if (threads.received(repo, t.pullNumber(), t.comment())) {
            batches.schedule(batch);
        } else {
            log.info("{}#{}: review comment {} is known already", repo, t.pullNumber(), t.comment().id());
        }
    }

    /** The pull request's batch; true when it is to run again (a revise was going, or comments came meanwhile). */
    public boolean onBatch(ReviewThreads.Batch b) {
        GitHubGateway github = gateways.apply(b.installationId());
        RepoConfigLoader.Loaded loaded = configs.load(github, b.repoRef(), b.defaultBranch());
        if (!loaded.readable()) {
            throw new IllegalStateException("the config of " + b.repo() + " cannot be read: " + loaded.unreadable());
        }
        ReviewThreads.Outcome outcome = threads.run(b, loaded.config());
        return outcome == ReviewThreads.Outcome.BUSY || threads.pending(b);
    }
}
