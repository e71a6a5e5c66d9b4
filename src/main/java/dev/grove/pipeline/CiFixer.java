package dev.grove.pipeline;

import dev.grove.config.RepoConfig;
import dev.grove.github.CheckAnnotation;
import dev.grove.github.CheckRunDetails;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.store.StateStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CI fixes itself: when another app's check fails on the head of a Grove pull request, the task is revised
 * ({@link Reviser}, so the run is charged to the issue's budget and gets its own check run) with the failing checks'
 * names, output, annotations and (for GitHub Actions) the end of the job's log as instructions. At most {@code ci_fix_attempts} times per task, each announced on
 * the pull request; the one after the last says Grove stopped, and later failures are left to people. A head is acted
 * on once ({@link StateStore#claimCiFix}): a redelivery, the suite's event after its run's, or a second failing check
 * of the same commit start nothing new. Failures on a commit that is no longer the task's head are ignored.
 */
public final class CiFixer {
    private static final Logger log = LoggerFactory.getLogger(CiFixer.class);
    static final int MAX_OUTPUT_CHARS = 8_000;
    static final int MAX_ANNOTATIONS = 30;
    private static final String GROVE_CHECK_PREFIX = "grove / ";
    private static final String GITHUB_ACTIONS = "github-actions";
    /** The time stamp GitHub Actions puts before every log line. */
    private static final java.util.regex.Pattern LOG_TIMESTAMP =
            java.util.regex.Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z ");

    /** What a CI fix needs of {@link Reviser}. */
    interface Revising {
        void revise(ReviseRequest r, RepoConfig config);

        /** Whether a revise of the task is going in this process. */
        boolean revising(dev.grove.model.TaskKey key);

        /** The task branch's head on origin now (empty: no such branch). */
        Optional<String> headOnOrigin(CiFailure f, String branch);
    }

    private final Revising reviser;
    private final StateStore store;

    public CiFixer(Reviser reviser, StateStore store) {
        this(new Revising() {
            @Override
            public void revise(ReviseRequest r, RepoConfig config) {
                reviser.revise(r, config);
            }

            @Override
            public boolean revising(dev.grove.model.TaskKey key) {
                return reviser.revising(key);
            }

            @Override
            public Optional<String> headOnOrigin(CiFailure f, String branch) {
                return reviser.headOnOrigin(f.repo(), f.cloneUrl(), f.installationId(), branch);
            }
        }, store);
    }

    CiFixer(Revising reviser, StateStore store) {
        this.reviser = reviser;
        this.store = store;
    }

    public void fix(GitHubGateway github, CiFailure f, RepoConfig config) {
        Optional<TaskRecord> found = f.pullNumbers().stream().map(n -> store.taskByPullRequest(f.repo(), n))
                .flatMap(Optional::stream).findFirst();
        if (found.isEmpty()) {
            log.info("{}: a check failed on {}, not on a pull request Grove opened", f.repo(), f.headSha());
            return;
        }
        TaskRecord rec = found.get();
        int pr = rec.prNumber();
        if (rec.status() == TaskStatus.MERGED || rec.status() == TaskStatus.CLOSED) {
            log.info("{}#{} is {}; its failing check is not Grove's to fix", f.repo(), pr, rec.status().label());
            return;
        }
        if (rec.headSha() != null && !rec.headSha().equals(f.headSha())) {
            log.info("{}#{}: a check failed on {}, which is no longer the head ({})", f.repo(), pr, f.headSha(),
                    rec.headSha());
            return;
        }
        int limit = config.ciFixAttempts();
        if (limit == 0) {
            log.info("{}#{}: a check failed; ci_fix_attempts is 0", f.repo(), pr);
            return;
        }
        List<CheckRunDetails> failed = failing(github, f);
        if (failed.isEmpty()) {
            log.info("{}#{}: check suite {} failed with no failing run of another app", f.repo(), pr, f.checkSuiteId());
            return;
        }
        String names = failed.stream().map(c -> "`" + c.name().replace("`", "'") + "`").collect(Collectors.joining(", "));
        String checks = (failed.size() == 1 ? "CI check " : "CI checks ") + names;
        int attempt = store.claimCiFix(rec.key(), f.headSha(), failed.stream().map(CheckRunDetails::name)
                .collect(Collectors.joining(", ")));
        boolean resumed = false;
        if (attempt == 0) {
            attempt = interrupted(f, rec);
            if (attempt == 0) {
                log.info("{}#{}: the failure on {} was acted on before", f.repo(), pr, f.headSha());
                return;
            }
            resumed = true;
        }
        if (attempt > limit + 1 || resumed && attempt > limit) {
            store.finishCiFix(rec.key(), f.headSha());
            return; // the stop was said already
        }
        String sha = f.headSha().substring(0, Math.min(7, f.headSha().length()));
        if (attempt == limit + 1) {
            comment(github, f.repo(), pr, checks + " failed on " + sha + "; Grove stopped revising this pull request"
                    + " for CI after " + limit + (limit == 1 ? " attempt" : " attempts") + " (`ci_fix_attempts: "
                    + limit + "`). Over to you: push a fix, or ask with `/grove revise <instructions>`.");
            store.finishCiFix(rec.key(), f.headSha());
            return;
        }
        comment(github, f.repo(), pr, resumed
                ? checks + " failed; Grove is revising again (attempt " + attempt + " of " + limit + ", cut off before"
                        + " it pushed)."
                : checks + " failed; Grove is revising (attempt " + attempt + " of " + limit + ").");
        Map<Long, List<CheckAnnotation>> annotations = new LinkedHashMap<>();
        Map<Long, String> unreadable = new LinkedHashMap<>();
        Map<Long, String> logs = new LinkedHashMap<>();
        for (CheckRunDetails c : failed) {
            if (GITHUB_ACTIONS.equals(c.appSlug())) { // an Actions check run's id is its job's
                try {
                    github.actionsJobLogTail(f.repo(), c.id(), MAX_OUTPUT_CHARS).ifPresent(l -> logs.put(c.id(), l));
                } catch (IOException | RuntimeException e) {
                    log.info("{}#{}: the log of job {} could not be read: {}", f.repo(), pr, c.id(), e.getMessage());
                }
            }
            if (c.annotationsCount() <= 0) continue;
            try {
                annotations.put(c.id(), github.checkRunAnnotations(f.repo(), c.id()));
            } catch (IOException | RuntimeException e) {
                unreadable.put(c.id(), e.getMessage());
            }
        }
        reviser.revise(new ReviseRequest(f.repo(), f.installationId(), f.cloneUrl(), f.defaultBranch(), pr,
                instructions(f.headSha(), f.app(), failed, annotations, unreadable, logs), List.of(), f.app()), config);
        store.finishCiFix(rec.key(), f.headSha()); // not reached when the process dies mid-revise
    }

    /**
     * The attempt claimed on this head whose revise was cut off (the process died before it finished, and this is the
     * job again: its next attempt, or revived after a kill), if the task's head on origin has not moved since the
     * claim, so the revise never pushed: then that attempt is continued. 0 when there is none to continue: the fix
     * finished, one is going in this process, or the head moved (the revise pushed; that attempt is done).
     */
    private int interrupted(CiFailure f, TaskRecord rec) {
        java.util.OptionalInt open = store.unfinishedCiFix(rec.key(), f.headSha());
        if (open.isEmpty() || reviser.revising(rec.key())) {
            return 0;
        }
        Optional<String> head = reviser.headOnOrigin(f, rec.branch());
        if (head.isEmpty() || !head.get().equals(f.headSha())) {
            log.info("{}: the CI fix on {} was cut off after its revise pushed ({}); it is done", rec.key(),
                    f.headSha(), head.orElse("no branch"));
            store.finishCiFix(rec.key(), f.headSha());
            return 0;
        }
        log.info("{}: the CI fix attempt {} on {} was cut off before it pushed; continuing it", rec.key(),
                open.getAsInt(), f.headSha());
        return open.getAsInt();
    }

    /** The failing runs of another app: the event's own, or the suite's as GitHub lists them now. */
    private static List<CheckRunDetails> failing(GitHubGateway github, CiFailure f) {
        List<CheckRunDetails> runs;
        if (f.checkRun() != null) {
            runs = List.of(f.checkRun());
        } else {
            try {
                runs = github.checkSuiteRuns(f.repo(), f.checkSuiteId());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("could not list the runs of check suite " + f.checkSuiteId(), e);
            }
        }
        List<CheckRunDetails> out = new ArrayList<>();
        for (CheckRunDetails c : runs) {
            if ("failure".equals(c.conclusion()) && !c.name().startsWith(GROVE_CHECK_PREFIX)
                    && (c.headSha() == null || c.headSha().isEmpty() || c.headSha().equals(f.headSha()))) {
                out.add(c);
            }
        }
        return out;
    }

    /** What the agent is told: each failing check, its output (the end of it) and its annotations. Pure. */
    static String instructions(String headSha, String app, List<CheckRunDetails> failed,
            Map<Long, List<CheckAnnotation>> annotations, Map<Long, String> unreadable, Map<Long, String> logs) {
        String sha = headSha.substring(0, Math.min(7, headSha.length()));
        StringBuilder sb = new StringBuilder("Make the failing CI ")
                .append(failed.size() == 1 ? "check" : "checks").append(' ')
                .append(failed.stream().map(c -> "`" + c.name() + "`").collect(Collectors.joining(", ")))
                .append(" pass (they failed on ").append(sha).append(", reported by ").append(app).append(").\n")
                .append("Find the cause in the code and fix it; do not disable or skip the checks.\n");
        for (CheckRunDetails c : failed) {
            sb.append("\n## Check `").append(c.name()).append("` failed");
            if (c.title() != null && !c.title().isBlank()) sb.append(": ").append(c.title().strip());
            sb.append('\n');
            if (c.summary() != null && !c.summary().isBlank()) sb.append("\nSummary:\n").append(fenced(c.summary()));
            List<CheckAnnotation> notes = annotations.getOrDefault(c.id(), List.of());
            if (!notes.isEmpty()) {
                sb.append("\nAnnotations:\n");
                notes.stream().limit(MAX_ANNOTATIONS).forEach(a -> sb.append("- ").append(a.path()).append(':')
                        .append(a.startLine()).append(a.endLine() > a.startLine() ? "-" + a.endLine() : "")
                        .append(" (").append(a.level()).append(")")
                        .append(a.title() == null || a.title().isBlank() ? "" : " " + a.title().strip() + ":")
                        .append(' ').append(a.message() == null ? "" : a.message().strip().replace("\n", "\n  "))
                        .append(a.rawDetails() == null || a.rawDetails().isBlank() ? ""
                                : "\n  " + a.rawDetails().strip().replace("\n", "\n  "))
                        .append('\n'));
                if (notes.size() > MAX_ANNOTATIONS) {
                    sb.append("- … and ").append(notes.size() - MAX_ANNOTATIONS).append(" more\n");
                }
            } else if (unreadable.containsKey(c.id())) {
                sb.append("\n(Its annotations could not be read: ").append(unreadable.get(c.id())).append(")\n");
            }
            if (c.text() != null && !c.text().isBlank()) {
                String text = c.text().strip();
                boolean cut = text.length() > MAX_OUTPUT_CHARS;
                sb.append(cut ? "\nOutput (its last " + MAX_OUTPUT_CHARS + " characters):\n" : "\nOutput:\n")
                        .append(fenced(cut ? text.substring(text.length() - MAX_OUTPUT_CHARS) : text));
            }
            String jobLog = logs.get(c.id());
            if (jobLog != null && !jobLog.isBlank()) {
                sb.append("\nThe end of its log:\n").append(fenced(LOG_TIMESTAMP.matcher(jobLog).replaceAll("")));
            }
        }
        return sb.toString();
    }

    private static String fenced(String s) {
        return "```\n" + s.strip().replace("```", "ʼʼʼ") + "\n```\n";
    }

    private static void comment(GitHubGateway github, RepoRef repo, int pr, String text) {
        try {
            github.commentOnIssue(repo, pr, text);
        } catch (IOException | RuntimeException e) {
            log.warn("could not comment on {}#{}: {}", repo, pr, e.getMessage());
        }
    }
}
