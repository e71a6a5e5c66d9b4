-- CI fixes: one row per failing head of a task that Grove acted on (a revise, or once past the limit the comment that
-- it stopped). The key makes a redelivered or repeated failure on the same head a no-op; attempt counts per task.
create table grove_ci_fix (
  task_key varchar(600) not null,
  head_sha varchar(64) not null,
  check_name varchar(300) not null,
  attempt int not null,
  created_at timestamp with time zone not null,
  primary key (task_key, head_sha),
  constraint grove_ci_fix_attempt unique (task_key, attempt)
);
