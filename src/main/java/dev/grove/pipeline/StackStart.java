package dev.grove.pipeline;

import dev.grove.git.CachedRepo;
import dev.grove.model.RunRequest;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.plan.Task;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a task of a later wave starts, decided when its wave comes (see {@link dev.grove.plan.Stacking}): with no
 * predecessor, or with every predecessor merged (or needing no change), from the base (fetched again when one merged);
 * with one predecessor whose branch is pushed, from that branch as origin holds it, its PR stacked on it; with several
 * predecessors not all merged, or one that is itself held back, not yet: the task stays waiting and starts when the
 * last of them merges. A predecessor that failed or was not run leaves nothing to stack on: the task starts from the
 * base, as before stacking.
 */
sealed interface StackStart {
    /** Starts from {@code sha} on the base branch. */
    record Base(String sha) implements StackStart {
    }

    /** Starts from {@code sha}, the head of {@code on}'s pushed branch; its PR goes to that branch. */
    record Stacked(String sha, TaskRecord on) implements StackStart {
    }

    /** Does not start now; {@code why} is shown on the task. */
    record Held(String why) implements StackStart {
    }

    /** The message a held task shows while it waits for merges. */
    String WAITING_FOR_MERGES = "waits for ";

    Logger LOG = LoggerFactory.getLogger(StackStart.class);

    static StackStart decide(PipelineSteps steps, RunRequest req, String base, CachedRepo clone, String runBaseSha,
            List<Integer> predecessors, Map<Integer, TaskKey> keyOf) {
        if (predecessors.isEmpty()) {
            return new Base(runBaseSha);
        }
        List<TaskRecord> preds = predecessors.stream().map(n -> steps.store().task(keyOf.get(n)).orElse(null))
                .filter(r -> r != null).toList();
        if (preds.size() != predecessors.size()) {
            return new Base(runBaseSha);
        }
        if (preds.stream().allMatch(StackStart::done)) {
            if (preds.stream().noneMatch(p -> p.status() == TaskStatus.MERGED)) {
                return new Base(runBaseSha);
            }
            CachedRepo fresh = steps.workspaces().sync(req.repo(), req.cloneUrl(), req.installationId());
            return new Base(steps.git().remoteBranchHead(fresh, base)); // the base with the merges in it
        }
        if (preds.stream().anyMatch(p -> p.status() == TaskStatus.WAITING)) {
            return new Held(WAITING_FOR_MERGES + names(preds.stream().filter(p -> p.status() == TaskStatus.WAITING)
                    .toList()) + ", which " + (preds.size() == 1 ? "is" : "are") + " waiting itself");
        }
        if (preds.size() == 1 && open(preds.get(0))) {
            TaskRecord on = preds.get(0);
            String sha = on.headSha();
            try {
                CachedRepo fresh = steps.workspaces().sync(req.repo(), req.cloneUrl(), req.installationId());
                sha = steps.git().remoteBranchHead(fresh, on.branch());
            } catch (RuntimeException e) {
                LOG.warn("{}: origin's {} could not be read ({}); stacking on the pushed {}", req.repo(), on.branch(),
                        e.getMessage(), on.headSha());
            }
            return new Stacked(sha, on);
        }
        List<TaskRecord> pending = preds.stream().filter(p -> !done(p)).toList();
        if (preds.size() > 1 && pending.stream().allMatch(StackStart::open)) {
            return new Held(WAITING_FOR_MERGES + names(pending) + " to be merged (" + pending.stream()
                    .map(p -> p.prNumber() == null ? "`" + p.branch() + "`" : "#" + p.prNumber())
                    .collect(Collectors.joining(", ")) + "); then starts from `" + base + "`");
        }
        return new Base(runBaseSha); // a predecessor failed or was not run: nothing to stack on
    }

    /** Merged, or needing no change: nothing left to wait for. */
    static boolean done(TaskRecord r) {
        return r.status() == TaskStatus.MERGED || r.status() == TaskStatus.NO_CHANGES;
    }

    private static boolean open(TaskRecord r) {
        return (r.status() == TaskStatus.PR_OPENED || r.status() == TaskStatus.PUSHED) && r.branch() != null
                && r.headSha() != null;
    }

    private static String names(List<TaskRecord> tasks) {
        return (tasks.size() == 1 ? "task " : "tasks ") + tasks.stream().map(t -> String.valueOf(t.number()))
                .collect(Collectors.joining(", "));
    }

    /** The numbers of the tasks {@code task} stacks on, for the key map. */
    static Map<Integer, TaskKey> byNumber(Map<Task, TaskKey> keys) {
        return keys.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().number(), Map.Entry::getValue));
    }
}
