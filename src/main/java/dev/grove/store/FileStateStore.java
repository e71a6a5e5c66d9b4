package dev.grove.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.model.ThreadComment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded store, in the data folder: tasks and tracking comments in one small JSON file rewritten atomically on
 * every change; delivery ids appended to a log (one line each, compacted when it grows past twice what is kept), so
 * recording a delivery costs one short append, not a rewrite. One process only; a shared database replaces it when
 * several runners serve one App. Runs that were going when the process stopped are released at start (their tasks
 * are kept, and resume where their records say).
 */
public final class FileStateStore implements StateStore {
    static final int DELIVERIES_KEPT = 20_000;

    private final Path file;
    private final Path deliveryLog;
    private final int deliveriesKept;
    private int deliveryLogLines;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    private final LinkedHashSet<String> deliveries = new LinkedHashSet<>();
    private final Set<String> runningIssues = new HashSet<>();
    private final Map<String, Long> trackingComments = new LinkedHashMap<>();
    private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    private final Map<String, SavedPlan> plans = new LinkedHashMap<>();
    private final Map<String, Long> checkRuns = new LinkedHashMap<>();
    /** task key to the heads whose CI fix was claimed, in claim order */
    private final Map<String, List<String>> ciFixes = new LinkedHashMap<>();
    /** task key and head ({@code key\nhead}) of the CI fixes claimed and not finished */
    private final Set<String> unfinishedCiFixes = new LinkedHashSet<>();
    private final Map<String, java.time.Instant> refusalReplies = new LinkedHashMap<>();
    private final Set<String> issueSteps = new LinkedHashSet<>();
    private final Map<String, StoredThreadComment> threadComments = new LinkedHashMap<>();

    /** @param file the state file; the delivery log is written beside it */
    public FileStateStore(Path file) {
        this(file, DELIVERIES_KEPT);
    }

    FileStateStore(Path file, int deliveriesKept) {
        this.file = file;
        this.deliveryLog = file.resolveSibling(file.getFileName() + ".deliveries");
        this.deliveriesKept = deliveriesKept;
        load();
    }

    /** The serialised form. */
    record Snapshot(Map<String, Long> trackingComments, List<TaskRecord> tasks, Map<String, SavedPlan> plans,
            Map<String, Long> checkRuns, Map<String, List<String>> ciFixes, Map<String, java.time.Instant> refusalReplies,
            Set<String> issueSteps, List<StoredThreadComment> threadComments, Set<String> unfinishedCiFixes) {
    }

    /** A review comment with its repository and pull request ({@code comment} null: known only by id, claimed). */
    record StoredThreadComment(String repo, int pullNumber, long id, ThreadComment.State state, String sha,
            ThreadComment comment) {
        ThreadComment withState() {
            return comment == null ? null : comment.withState(state, sha);
        }
    }

    private void load() {
        try {
            if (Files.exists(deliveryLog)) {
                List<String> lines = Files.readAllLines(deliveryLog);
                deliveryLogLines = lines.size();
                lines.stream().filter(l -> !l.isBlank()).forEach(this::remember);
            }
            if (!Files.exists(file)) {
                return;
            }
            Snapshot s = json.readValue(file.toFile(), Snapshot.class);
            if (s.trackingComments() != null) trackingComments.putAll(s.trackingComments());
            if (s.tasks() != null) s.tasks().forEach(t -> tasks.put(t.key().toString(), t));
            if (s.plans() != null) plans.putAll(s.plans());
            if (s.checkRuns() != null) checkRuns.putAll(s.checkRuns());
            if (s.ciFixes() != null) s.ciFixes().forEach((k, v) -> ciFixes.put(k, new ArrayList<>(v)));
            if (s.refusalReplies() != null) refusalReplies.putAll(s.refusalReplies());
            if (s.unfinishedCiFixes() != null) unfinishedCiFixes.addAll(s.unfinishedCiFixes());
            if (s.issueSteps() != null) issueSteps.addAll(s.issueSteps());
            if (s.threadComments() != null) {
                s.threadComments().forEach(c -> threadComments.put(c.repo() + "\n" + c.id(), c));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Grove's state file " + file + ": " + e.getMessage()
                    + " (move it away to start with empty state)", e);
        }
    }

    private void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            json.writeValue(tmp.toFile(), new Snapshot(trackingComments, List.copyOf(tasks.values()), plans, checkRuns,
                    ciFixes, refusalReplies, issueSteps, List.copyOf(threadComments.values()), unfinishedCiFixes));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Grove's state file " + file, e);
        }
    }

    private static String issueKey(RepoRef repo, int issue) {
        return repo.fullName() + "#" + issue;
    }

    private boolean remember(String deliveryId) {
        if (!deliveries.add(deliveryId)) {
            return false;
        }
        while (deliveries.size() > deliveriesKept) {
            deliveries.remove(deliveries.iterator().next());
        }
        return true;
    }

    @Override
    public synchronized boolean recordDelivery(String deliveryId) {
        if (deliveryId.indexOf('\n') >= 0 || deliveryId.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a delivery id cannot hold a line break");
        }
        if (!remember(deliveryId)) {
            return false;
        }
        try {
            Files.createDirectories(deliveryLog.toAbsolutePath().getParent());
            if (deliveryLogLines >= 2 * deliveriesKept) {
                Path tmp = deliveryLog.resolveSibling(deliveryLog.getFileName() + ".tmp");
                Files.write(tmp, deliveries);
                Files.move(tmp, deliveryLog, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                deliveryLogLines = deliveries.size();
            } else {
                Files.writeString(deliveryLog, deliveryId + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                deliveryLogLines++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Grove's delivery log " + deliveryLog, e);
        }
        return true;
    }

    @Override
    public synchronized boolean tryStartRun(RepoRef repo, int issue) {
        return runningIssues.add(issueKey(repo, issue));
    }

    @Override
    public synchronized void finishRun(RepoRef repo, int issue) {
        runningIssues.remove(issueKey(repo, issue));
    }

    @Override
    public synchronized Optional<Long> trackingComment(RepoRef repo, int issue) {
        return Optional.ofNullable(trackingComments.get(issueKey(repo, issue)));
    }

    @Override
    public synchronized void saveTrackingComment(RepoRef repo, int issue, long commentId) {
        trackingComments.put(issueKey(repo, issue), commentId);
        save();
    }

    @Override
    public synchronized Optional<TaskRecord> task(TaskKey key) {
        return Optional.ofNullable(tasks.get(key.toString()));
    }

    @Override
    public synchronized void saveTask(TaskRecord task) {
        tasks.remove(task.key().toString()); // re-inserted last: the map keeps the order tasks were last saved in
        tasks.put(task.key().toString(), task);
        save();
    }

    @Override
    public synchronized boolean saveTaskIf(TaskRecord task, TaskStatus expected) {
        TaskRecord now = tasks.get(task.key().toString());
        if (now == null || now.status() != expected) return false;
        saveTask(task);
        return true;
    }

    @Override
    public synchronized List<TaskRecord> tasks(RepoRef repo, int issue) {
        List<TaskRecord> out = new ArrayList<>();
        for (TaskRecord t : tasks.values()) {
            if (t.key().repo().equals(repo) && t.key().issue() == issue) out.add(t);
        }
        out.sort(Comparator.comparingInt(TaskRecord::number));
        return out;
    }

    @Override
    public synchronized List<TaskRecord> recentTasks(int limit) {
        List<TaskRecord> out = new ArrayList<>(tasks.values());
        java.util.Collections.reverse(out);
        return out.subList(0, Math.min(limit, out.size())).stream().toList();
    }

    @Override
    public synchronized Optional<SavedPlan> plan(RepoRef repo, int issue) {
        return Optional.ofNullable(plans.get(issueKey(repo, issue)));
    }

    @Override
    public synchronized void savePlan(SavedPlan plan) {
        plans.put(issueKey(plan.request().repo(), plan.request().issueNumber()), plan);
        save();
    }

    @Override
    public synchronized Optional<TaskRecord> taskByPullRequest(RepoRef repo, int pullNumber) {
        return tasks.values().stream()
                .filter(t -> t.key().repo().equals(repo) && t.prNumber() != null && t.prNumber() == pullNumber)
                .findFirst();
    }

    @Override
    public synchronized Optional<Long> checkRun(TaskKey key) {
        return Optional.ofNullable(checkRuns.get(key.toString()));
    }

    @Override
    public synchronized void saveCheckRun(TaskKey key, long checkRunId) {
        checkRuns.put(key.toString(), checkRunId);
        save();
    }

    @Override
    public synchronized int claimCiFix(TaskKey key, String headSha, String check) {
        List<String> heads = ciFixes.computeIfAbsent(key.toString(), k -> new ArrayList<>());
        if (heads.contains(headSha)) {
            return 0;
        }
        heads.add(headSha);
        unfinishedCiFixes.add(key + "\n" + headSha);
        save();
        return heads.size();
    }

    @Override
    public synchronized java.util.OptionalInt unfinishedCiFix(TaskKey key, String headSha) {
        List<String> heads = ciFixes.getOrDefault(key.toString(), List.of());
        int i = heads.indexOf(headSha);
        return i < 0 || !unfinishedCiFixes.contains(key + "\n" + headSha) ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(i + 1);
    }

    /** As {@link StateStore#pruneStale}; review comments here carry no time, so only those of closed PRs go. */
    @Override
    public synchronized int pruneStale(java.time.Instant now, java.time.Duration refusalInterval,
            java.time.Duration retention) {
        java.time.Instant stale = now.minus(refusalInterval);
        int before = refusalReplies.size() + threadComments.size();
        refusalReplies.values().removeIf(at -> at.isBefore(stale));
        Set<String> closed = new HashSet<>();
        tasks.values().stream().filter(t -> t.prNumber() != null
                        && (t.status() == TaskStatus.MERGED || t.status() == TaskStatus.CLOSED))
                .forEach(t -> closed.add(t.key().repo().fullName() + "#" + t.prNumber()));
        threadComments.values().removeIf(c -> closed.contains(c.repo() + "#" + c.pullNumber()));
        int n = before - refusalReplies.size() - threadComments.size();
        if (n > 0) save();
        return n;
    }

    @Override
    public synchronized void finishCiFix(TaskKey key, String headSha) {
        if (unfinishedCiFixes.remove(key + "\n" + headSha)) {
            save();
        }
    }

    @Override
    public synchronized boolean claimRefusalReply(RepoRef repo, int issue, String user, java.time.Instant now,
            java.time.Duration interval) {
        java.time.Instant stale = now.minus(interval);
        refusalReplies.values().removeIf(at -> !at.isAfter(stale)); // what no longer counts is not kept
        String key = issueKey(repo, issue) + "\n" + user.toLowerCase(java.util.Locale.ROOT);
        if (refusalReplies.containsKey(key)) {
            return false;
        }
        refusalReplies.put(key, now);
        save();
        return true;
    }

    @Override
    public synchronized boolean issueStepDone(RepoRef repo, int issue, String step) {
        return issueSteps.contains(issueKey(repo, issue) + "\n" + step);
    }

    @Override
    public synchronized void markIssueStepDone(RepoRef repo, int issue, String step) {
        if (issueSteps.add(issueKey(repo, issue) + "\n" + step)) {
            save();
        }
    }

    @Override
    public synchronized boolean addThreadComment(RepoRef repo, int pullNumber, ThreadComment comment) {
        String key = repo.fullName() + "\n" + comment.id();
        if (threadComments.containsKey(key)) {
            return false;
        }
        threadComments.put(key, new StoredThreadComment(repo.fullName(), pullNumber, comment.id(),
                ThreadComment.State.PENDING, null, comment.withState(null, null)));
        save();
        return true;
    }

    @Override
    public synchronized List<ThreadComment> threadComments(RepoRef repo, int pullNumber, ThreadComment.State state) {
        return threadComments.values().stream()
                .filter(c -> c.repo().equals(repo.fullName()) && c.pullNumber() == pullNumber && c.state() == state
                        && c.comment() != null)
                .sorted(Comparator.comparingLong(StoredThreadComment::id))
                .map(StoredThreadComment::withState).toList();
    }

    @Override
    public synchronized Set<Long> claimThreadComments(RepoRef repo, int pullNumber, Collection<Long> ids) {
        Set<Long> mine = new java.util.TreeSet<>();
        for (long id : ids) {
            String key = repo.fullName() + "\n" + id;
            StoredThreadComment c = threadComments.get(key);
            if (c == null || c.state() == ThreadComment.State.PENDING || c.state() == ThreadComment.State.REVIEW) {
                threadComments.put(key, new StoredThreadComment(repo.fullName(), pullNumber, id,
                        ThreadComment.State.REVIEW, null, c == null ? null : c.comment()));
                mine.add(id);
            }
        }
        save();
        return mine;
    }

    @Override
    public synchronized void markThreadComments(RepoRef repo, int pullNumber, Collection<Long> ids,
            ThreadComment.State state, String sha) {
        for (long id : ids) {
            String key = repo.fullName() + "\n" + id;
            StoredThreadComment c = threadComments.get(key);
            if (c != null && c.pullNumber() == pullNumber) {
                threadComments.put(key, new StoredThreadComment(c.repo(), pullNumber, id, state, sha, c.comment()));
            }
        }
        save();
    }
}
