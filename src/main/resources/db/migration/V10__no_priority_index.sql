-- db-scheduler orders due jobs by priority only when a scheduler enables priority, and Grove's never do (a job's order
-- is its execution time): these two indexes were written on every job queued and read by nothing. On the embedded
-- database each index is one more B-tree whose changed pages every commit writes out again.
drop index if exists priority_execution_time_idx;
drop index if exists short_priority_execution_time_idx;
