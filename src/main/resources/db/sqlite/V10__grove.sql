-- Grove's schema on the embedded database (SQLite), as db/migration leaves it on PostgreSQL at version 10: the same
-- tables, columns and keys, in SQLite's words. SQLite cannot alter a column in place, so the schema starts here, at
-- the version it matches; a later migration goes in both folders, in each one's dialect, under the same number.
-- Types are SQLite's affinities: timestamps are written by the JDBC driver as milliseconds since 1970 (integers, so
-- they compare in order), booleans as 0 and 1. SQLite keeps a text of any length in any column, so each length is a
-- check: a value too long fails its statement here as it does on PostgreSQL. A key of one column is also `not null`:
-- unlike PostgreSQL, SQLite lets a primary key that is not an integer be null.

-- db-scheduler's table: long jobs (runs, revises, tries)
create table scheduled_tasks (
  task_name varchar(100) not null check (length(task_name) <= 100),
  task_instance varchar(250) not null check (length(task_instance) <= 250),
  task_data blob,
  execution_time timestamp not null,
  picked boolean not null,
  picked_by varchar(50) check (length(picked_by) <= 50),
  last_success timestamp,
  last_failure timestamp,
  consecutive_failures int,
  last_heartbeat timestamp,
  version bigint not null,
  priority smallint,
  primary key (task_name, task_instance)
);
create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);

-- the same, for short jobs (status, cancel, help, plan, clean-ups), served by their own threads
create table scheduled_tasks_short (
  task_name varchar(100) not null check (length(task_name) <= 100),
  task_instance varchar(250) not null check (length(task_instance) <= 250),
  task_data blob,
  execution_time timestamp not null,
  picked boolean not null,
  picked_by varchar(50) check (length(picked_by) <= 50),
  last_success timestamp,
  last_failure timestamp,
  consecutive_failures int,
  last_heartbeat timestamp,
  version bigint not null,
  priority smallint,
  primary key (task_name, task_instance)
);
create index short_execution_time_idx on scheduled_tasks_short (execution_time);
create index short_last_heartbeat_idx on scheduled_tasks_short (last_heartbeat);

-- webhook deliveries: recorded with their job; the body (as sent) is kept until the job has handled it. A body is
-- recorded once per event (a delivery that needs no job has no hash: null is never equal to another)
create table grove_delivery (
  delivery_id varchar(200) not null primary key check (length(delivery_id) <= 200),
  event varchar(100) not null check (length(event) <= 100),
  body_sha256 varchar(64) check (length(body_sha256) <= 64),
  payload blob,
  state varchar(16) not null check (length(state) <= 16),
  received_at timestamp not null,
  finished_at timestamp,
  error varchar(2000) check (length(error) <= 2000)
);
create unique index grove_delivery_body_idx on grove_delivery (body_sha256, event);
create index grove_delivery_received_idx on grove_delivery (received_at);
create index grove_delivery_state_idx on grove_delivery (state);

-- an issue's run, claimed by one process at a time; a claim whose owner stopped beating goes stale
create table grove_issue_run (
  repo varchar(200) not null check (length(repo) <= 200),
  issue int not null,
  owner varchar(100) not null check (length(owner) <= 100),
  heartbeat_at timestamp not null,
  primary key (repo, issue)
);

create table grove_tracking_comment (
  repo varchar(200) not null check (length(repo) <= 200),
  issue int not null,
  comment_id bigint not null,
  primary key (repo, issue)
);

-- one row per task: the record as JSON, with the columns Grove looks tasks up by
create table grove_task (
  task_key varchar(600) not null primary key check (length(task_key) <= 600),
  repo varchar(200) not null check (length(repo) <= 200),
  issue int not null,
  number int not null,
  status varchar(20) not null check (length(status) <= 20),
  pr_number int,
  saved_at timestamp not null,
  record text not null
);
create index grove_task_issue_idx on grove_task (repo, issue);
create index grove_task_pr_idx on grove_task (repo, pr_number);
create index grove_task_saved_idx on grove_task (saved_at);
create index grove_task_status_idx on grove_task (status);

create table grove_plan (
  repo varchar(200) not null check (length(repo) <= 200),
  issue int not null,
  plan text not null,
  primary key (repo, issue)
);

create table grove_check_run (
  task_key varchar(600) not null primary key check (length(task_key) <= 600),
  check_run_id bigint not null
);

-- /grove cancel, for whichever process runs the task: each process applies the rows it has not seen yet. AUTOINCREMENT:
-- an id is never given twice, even after the newest row is pruned (a process remembers the last id it applied)
create table grove_cancel (
  id integer not null primary key autoincrement,
  repo varchar(200) not null check (length(repo) <= 200),
  issue int not null,
  task varchar(300) not null check (length(task) <= 300),
  requested_by varchar(200) not null check (length(requested_by) <= 200),
  requested_at timestamp not null
);

-- the last time each outsider was told on an issue that Grove takes no commands from them
create table grove_refusal_reply (
  repo varchar(200) not null check (length(repo) <= 200),
  issue int not null,
  login varchar(100) not null check (length(login) <= 100),
  replied_at timestamp not null,
  primary key (repo, issue, login)
);

-- the steps Grove took on an issue once its tasks' pull requests were merged
create table grove_issue_step (
  repo varchar(200) not null check (length(repo) <= 200),
  issue int not null,
  step varchar(300) not null check (length(step) <= 300),
  done_at timestamp not null,
  primary key (repo, issue, step)
);

-- CI fixes: one row per failing head of a task that Grove acted on; finished once its revise ran
create table grove_ci_fix (
  task_key varchar(600) not null check (length(task_key) <= 600),
  head_sha varchar(64) not null check (length(head_sha) <= 64),
  check_name varchar(300) not null check (length(check_name) <= 300),
  attempt int not null,
  created_at timestamp not null,
  finished boolean default true not null,
  primary key (task_key, head_sha),
  constraint grove_ci_fix_attempt unique (task_key, attempt)
);

-- review comments left on the diff of Grove pull requests, by GitHub's comment id
create table grove_review_comment (
  repo varchar(200) not null check (length(repo) <= 200),
  comment_id bigint not null,
  pull_number int not null,
  state varchar(16) not null check (length(state) <= 16),
  sha varchar(64) check (length(sha) <= 64),
  record text,
  received_at timestamp not null,
  primary key (repo, comment_id)
);
create index grove_review_comment_pull_idx on grove_review_comment (repo, pull_number, state);
