package dev.grove.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import dev.grove.model.ThreadComment;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Grove's state in its database (H2 embedded, or PostgreSQL shared by several processes). Every method is one
 * short statement or transaction; nothing is cached in memory, so every process sees what any other saved. A task is
 * one row holding its record as JSON beside the columns it is looked up by. An issue's run is claimed by one process
 * ({@code owner}); the claim stays live while its owner beats ({@link #beat}), and a claim whose owner stopped
 * beating for {@code staleAfter} (a process killed) is taken over by the next run.
 */
public final class JdbcStateStore implements StateStore {
    private final Database db;
    private final String owner;
    private final Clock clock;
    private final Duration staleAfter;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param owner      this process's name, written on the issues it claims
     * @param staleAfter how long a claim outlives its owner's last beat
     */
    public JdbcStateStore(Database db, String owner, Clock clock, Duration staleAfter) {
        this.db = db;
        this.owner = owner;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    public Database database() {
        return db;
    }

    private volatile boolean frozen;

    /**
     * From now on, writes are dropped: at shutdown, once the drain timeout has passed, tasks stay as recorded
     * ({@code RUNNING}) while their agents are stopped, so the next start resumes them rather than reading them as
     * failed.
     */
    public void freeze() {
        frozen = true;
    }

    private final java.util.concurrent.atomic.AtomicReference<Instant> lastSave =
            new java.util.concurrent.atomic.AtomicReference<>(Instant.EPOCH);

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    /** Now, but always after this process's previous save, so the dashboard's "latest first" has no ties. */
    private Timestamp saveTime() {
        Instant t = lastSave.updateAndGet(prev -> {
            Instant n = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            return n.isAfter(prev) ? n : prev.plusNanos(1_000);
        });
        return Timestamp.from(t);
    }

    // ---- deliveries ------------------------------------------------------------------------------------------------

    /**
     * Records a delivery that needs no job (kept for the retention period like any other); false when its id was
     * recorded before. Deliveries that start work are recorded by the job queue, with their job.
     */
    @Override
    public boolean recordDelivery(String deliveryId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into grove_delivery "
                    + "(delivery_id, event, body_sha256, state, received_at) values (?, '', null, 'DONE', ?)")) {
                ps.setString(1, deliveryId);
                ps.setTimestamp(2, now());
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (Database.isDuplicateKey(e)) return false;
                throw e;
            }
        });
    }

    // ---- runs ------------------------------------------------------------------------------------------------------

    @Override
    public boolean tryStartRun(RepoRef repo, int issue) {
        return db.inTransaction(c -> {
            Timestamp now = now();
            try (PreparedStatement ps = c.prepareStatement(
                    "update grove_issue_run set owner = ?, heartbeat_at = ? where repo = ? and issue = ? and heartbeat_at < ?")) {
                ps.setString(1, owner);
                ps.setTimestamp(2, now);
                ps.setString(3, repo.fullName());
                ps.setInt(4, issue);
                ps.setTimestamp(5, Timestamp.from(clock.instant().minus(staleAfter)));
                if (ps.executeUpdate() == 1) return true; // a stale claim, taken over
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into grove_issue_run (repo, issue, owner, heartbeat_at) values (?, ?, ?, ?) on conflict do nothing")) {
                ps.setString(1, repo.fullName());
                ps.setInt(2, issue);
                ps.setString(3, owner);
                ps.setTimestamp(4, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void finishRun(RepoRef repo, int issue) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "delete from grove_issue_run where repo = ? and issue = ? and owner = ?")) {
                ps.setString(1, repo.fullName());
                ps.setInt(2, issue);
                ps.setString(3, owner);
                return ps.executeUpdate();
            }
        });
    }

    /** Keeps this process's claims live; called every few seconds. */
    public void beat() {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("update grove_issue_run set heartbeat_at = ? where owner = ?")) {
                ps.setTimestamp(1, now());
                ps.setString(2, owner);
                return ps.executeUpdate();
            }
        });
    }

    /** Issues whose run is claimed by a live process (a beat within {@code staleAfter}). */
    public boolean runClaimed(RepoRef repo, int issue) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select 1 from grove_issue_run where repo = ? and issue = ? and heartbeat_at >= ?")) {
                ps.setString(1, repo.fullName());
                ps.setInt(2, issue);
                ps.setTimestamp(3, Timestamp.from(clock.instant().minus(staleAfter)));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    // ---- tracking comments -----------------------------------------------------------------------------------------

    @Override
    public Optional<Long> trackingComment(RepoRef repo, int issue) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select comment_id from grove_tracking_comment where repo = ? and issue = ?")) {
                ps.setString(1, repo.fullName());
                ps.setInt(2, issue);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveTrackingComment(RepoRef repo, int issue, long commentId) {
        if (frozen) return;
        upsert("grove_tracking_comment", new String[] {"repo", "issue"}, new String[] {"comment_id"},
                repo.fullName(), issue, commentId);
    }

    // ---- tasks -----------------------------------------------------------------------------------------------------

    @Override
    public Optional<TaskRecord> task(TaskKey key) {
        return queryTasks("select record from grove_task where task_key = ?", key.toString()).stream().findFirst();
    }

    @Override
    public void saveTask(TaskRecord task) {
        if (frozen) return;
        upsert("grove_task", new String[] {"task_key"},
                new String[] {"repo", "issue", "number", "status", "pr_number", "saved_at", "record"},
                task.key().toString(), task.key().repo().fullName(), task.key().issue(), task.number(),
                task.status().name(), task.prNumber(), saveTime(), write(task));
    }

    @Override
    public boolean saveTaskIf(TaskRecord task, TaskStatus expected) {
        if (frozen) return false;
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("update grove_task set status = ?, pr_number = ?, "
                    + "saved_at = ?, record = ? where task_key = ? and status = ?")) {
                bind(ps, task.status().name(), task.prNumber(), saveTime(), write(task), task.key().toString(),
                        expected.name());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<TaskRecord> tasks(RepoRef repo, int issue) {
        return queryTasks("select record from grove_task where repo = ? and issue = ? order by number, task_key",
                repo.fullName(), issue);
    }

    @Override
    public List<TaskRecord> recentTasks(int limit) {
        return queryTasks("select record from grove_task order by saved_at desc, task_key limit " + Math.max(0, limit));
    }

    /** Every task in one of these states (start-up reconciles the ones a stopped process left going). */
    public List<TaskRecord> tasksIn(List<TaskStatus> statuses) {
        if (statuses.isEmpty()) return List.of();
        String marks = String.join(", ", statuses.stream().map(s -> "?").toList());
        return queryTasks("select record from grove_task where status in (" + marks + ") order by repo, issue, number",
                statuses.stream().map(Enum::name).toArray());
    }

    @Override
    public Optional<TaskRecord> taskByPullRequest(RepoRef repo, int pullNumber) {
        return queryTasks("select record from grove_task where repo = ? and pr_number = ? order by saved_at desc",
                repo.fullName(), pullNumber).stream().findFirst();
    }

    // ---- plans and check runs --------------------------------------------------------------------------------------

    @Override
    public Optional<SavedPlan> plan(RepoRef repo, int issue) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("select plan from grove_plan where repo = ? and issue = ?")) {
                ps.setString(1, repo.fullName());
                ps.setInt(2, issue);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs.getString(1), SavedPlan.class)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void savePlan(SavedPlan plan) {
        if (frozen) return;
        upsert("grove_plan", new String[] {"repo", "issue"}, new String[] {"plan"},
                plan.request().repo().fullName(), plan.request().issueNumber(), write(plan));
    }

    @Override
    public Optional<Long> checkRun(TaskKey key) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("select check_run_id from grove_check_run where task_key = ?")) {
                ps.setString(1, key.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveCheckRun(TaskKey key, long checkRunId) {
        if (frozen) return;
        upsert("grove_check_run", new String[] {"task_key"}, new String[] {"check_run_id"}, key.toString(), checkRunId);
    }

    @Override
    public int claimCiFix(TaskKey key, String headSha, String check) {
        String check300 = check.length() > 300 ? check.substring(0, 300) : check;
        for (int tries = 0; tries < 5; tries++) {
            int n = db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("select count(*), "
                        + "sum(case when head_sha = ? then 1 else 0 end) from grove_ci_fix where task_key = ?")) {
                    ps.setString(1, headSha);
                    ps.setString(2, key.toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(2) > 0 ? -1 : rs.getInt(1);
                    }
                }
            });
            if (n < 0) return 0;
            boolean claimed = db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into grove_ci_fix "
                        + "(task_key, head_sha, check_name, attempt, created_at, finished) values (?, ?, ?, ?, ?, ?)")) {
                    bind(ps, key.toString(), headSha, check300, n + 1, now(), false);
                    return ps.executeUpdate() == 1;
                } catch (SQLException e) {
                    if (Database.isDuplicateKey(e)) return false; // this head claimed, or that number taken, meanwhile
                    throw e;
                }
            });
            if (claimed) return n + 1;
        }
        throw new IllegalStateException("could not claim the CI fix of " + key + " on " + headSha);
    }

    @Override
    public java.util.OptionalInt unfinishedCiFix(TaskKey key, String headSha) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("select attempt from grove_ci_fix where task_key = ? and "
                    + "head_sha = ? and finished = false")) {
                bind(ps, key.toString(), headSha);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.OptionalInt.of(rs.getInt(1)) : java.util.OptionalInt.empty();
                }
            }
        });
    }

    @Override
    public void finishCiFix(TaskKey key, String headSha) {
        if (frozen) return;
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("update grove_ci_fix set finished = true where task_key = ?"
                    + " and head_sha = ?")) {
                bind(ps, key.toString(), headSha);
                return ps.executeUpdate();
            }
        });
    }

    // ---- review comments on the diff of Grove pull requests -------------------------------------------------------

    @Override
    public boolean addThreadComment(RepoRef repo, int pullNumber, ThreadComment comment) {
        if (frozen) return false;
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into grove_review_comment (repo, comment_id, "
                    + "pull_number, state, sha, record, received_at) values (?, ?, ?, ?, null, ?, ?) on conflict do nothing")) {
                bind(ps, repo.fullName(), comment.id(), pullNumber, ThreadComment.State.PENDING.name(),
                        write(comment.withState(null, null)), now());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<ThreadComment> threadComments(RepoRef repo, int pullNumber, ThreadComment.State state) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("select record, sha from grove_review_comment where repo = ?"
                    + " and pull_number = ? and state = ? and record is not null order by comment_id")) {
                bind(ps, repo.fullName(), pullNumber, state.name());
                List<ThreadComment> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs.getString(1), ThreadComment.class).withState(state, rs.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public Set<Long> claimThreadComments(RepoRef repo, int pullNumber, Collection<Long> ids) {
        if (frozen || ids.isEmpty()) return Set.of();
        return db.inTransaction(c -> {
            Set<Long> mine = new TreeSet<>();
            for (long id : ids) {
                try (PreparedStatement ps = c.prepareStatement("insert into grove_review_comment (repo, comment_id, "
                        + "pull_number, state, sha, record, received_at) values (?, ?, ?, ?, null, null, ?) "
                        + "on conflict do nothing")) {
                    bind(ps, repo.fullName(), id, pullNumber, ThreadComment.State.REVIEW.name(), now());
                    if (ps.executeUpdate() == 1) {
                        mine.add(id);
                        continue;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("update grove_review_comment set state = ? where repo = ?"
                        + " and comment_id = ? and state in (?, ?)")) {
                    bind(ps, ThreadComment.State.REVIEW.name(), repo.fullName(), id,
                            ThreadComment.State.PENDING.name(), ThreadComment.State.REVIEW.name());
                    if (ps.executeUpdate() == 1) mine.add(id);
                }
            }
            return mine;
        });
    }

    @Override
    public void markThreadComments(RepoRef repo, int pullNumber, Collection<Long> ids, ThreadComment.State state,
            String sha) {
        if (frozen || ids.isEmpty()) return;
        db.inTransaction(c -> {
            for (long id : ids) {
                try (PreparedStatement ps = c.prepareStatement("update grove_review_comment set state = ?, sha = ? "
                        + "where repo = ? and comment_id = ? and pull_number = ?")) {
                    bind(ps, state.name(), sha, repo.fullName(), id, pullNumber);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---- cancellations across processes ----------------------------------------------------------------------------

    /** A {@code /grove cancel} of one task, for whichever process runs it. */
    public record CancelRequest(long id, TaskKey key, String by) {
    }

    public void requestCancel(TaskKey key, String by) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into grove_cancel (repo, issue, task, requested_by, requested_at) values (?, ?, ?, ?, ?)")) {
                ps.setString(1, key.repo().fullName());
                ps.setInt(2, key.issue());
                ps.setString(3, key.task());
                ps.setString(4, by);
                ps.setTimestamp(5, now());
                return ps.executeUpdate();
            }
        });
    }

    /** Cancel requests after {@code afterId}, oldest first. */
    public List<CancelRequest> cancelsAfter(long afterId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select id, repo, issue, task, requested_by from grove_cancel where id > ? order by id")) {
                ps.setLong(1, afterId);
                List<CancelRequest> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new CancelRequest(rs.getLong(1), new TaskKey(RepoRef.parse(rs.getString(2)),
                                rs.getInt(3), rs.getString(4)), rs.getString(5)));
                    }
                }
                return out;
            }
        });
    }

    /** The newest cancel request's id (a process starting applies only the ones after it). */
    public long lastCancelId() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("select coalesce(max(id), 0) from grove_cancel");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public int pruneStale(Instant now, Duration refusalInterval, Duration retention) {
        return db.withConnection(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("delete from grove_refusal_reply where replied_at < ?")) {
                bind(ps, now.minus(refusalInterval));
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("delete from grove_review_comment where (received_at < ?"
                    + " and state <> ?) or exists (select 1 from grove_task t where t.repo = grove_review_comment.repo"
                    + " and t.pr_number = grove_review_comment.pull_number and t.status in (?, ?))")) {
                bind(ps, now.minus(retention), ThreadComment.State.PENDING.name(), TaskStatus.MERGED.name(),
                        TaskStatus.CLOSED.name());
                n += ps.executeUpdate();
            }
            return n;
        });
    }

    /** Forgets cancel requests older than {@code age}. */
    public void pruneCancels(Duration age) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from grove_cancel where requested_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant().minus(age)));
                return ps.executeUpdate();
            }
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private List<TaskRecord> queryTasks(String sql, Object... args) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                List<TaskRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(read(rs.getString(1), TaskRecord.class));
                }
                return out;
            }
        });
    }

    /** Inserts the row, or replaces its non-key columns when a row with that key exists. */
    private void upsert(String table, String[] keys, String[] cols, Object... values) {
        String allCols = String.join(", ", keys) + ", " + String.join(", ", cols);
        String marks = String.join(", ", java.util.Collections.nCopies(keys.length + cols.length, "?"));
        String sql;
        if (db.kind() == Database.Kind.H2) {
            sql = "merge into " + table + " (" + allCols + ") key (" + String.join(", ", keys) + ") values (" + marks + ")";
        } else {
            StringBuilder set = new StringBuilder();
            for (String col : cols) {
                if (set.length() > 0) set.append(", ");
                set.append(col).append(" = excluded.").append(col);
            }
            sql = "insert into " + table + " (" + allCols + ") values (" + marks + ") on conflict ("
                    + String.join(", ", keys) + ") do update set " + set;
        }
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, values);
                return ps.executeUpdate();
            }
        });
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setObject(i + 1, null);
            } else if (a instanceof Instant t) {
                ps.setTimestamp(i + 1, Timestamp.from(t));
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + o.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private <T> T read(String s, Class<T> type) {
        try {
            return json.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored " + type.getSimpleName() + " cannot be read: " + e.getMessage(), e);
        }
    }

    // ---- refusal replies -------------------------------------------------------------------------------------------

    /**
     * An update of a reply older than the interval, else an insert: each one statement, atomic on its row, so two
     * processes claiming at once cannot both win (the loser's update finds a fresh row, its insert a duplicate key).
     */
    @Override
    public boolean claimRefusalReply(RepoRef repo, int issue, String user, java.time.Instant now,
            Duration interval) {
        String login = user.toLowerCase(java.util.Locale.ROOT);
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("update grove_refusal_reply set replied_at = ? "
                    + "where repo = ? and issue = ? and login = ? and replied_at <= ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, repo.fullName());
                ps.setInt(3, issue);
                ps.setString(4, login);
                ps.setTimestamp(5, Timestamp.from(now.minus(interval)));
                if (ps.executeUpdate() == 1) return true;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into grove_refusal_reply (repo, issue, login, replied_at) values (?, ?, ?, ?)")) {
                ps.setString(1, repo.fullName());
                ps.setInt(2, issue);
                ps.setString(3, login);
                ps.setTimestamp(4, Timestamp.from(now));
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (Database.isDuplicateKey(e)) return false;
                throw e;
            }
        });
    }

    // ---- issue steps -----------------------------------------------------------------------------------------------

    @Override
    public boolean issueStepDone(RepoRef repo, int issue, String step) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select 1 from grove_issue_step where repo = ? and issue = ? and step = ?")) {
                ps.setString(1, repo.fullName());
                ps.setInt(2, issue);
                ps.setString(3, step);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public void markIssueStepDone(RepoRef repo, int issue, String step) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into grove_issue_step (repo, issue, step, done_at) values (?, ?, ?, ?)")) {
                ps.setString(1, repo.fullName());
                ps.setInt(2, issue);
                ps.setString(3, step);
                ps.setTimestamp(4, now());
                return ps.executeUpdate();
            } catch (SQLException e) {
                if (Database.isDuplicateKey(e)) return 0; // recorded before
                throw e;
            }
        });
    }
}
