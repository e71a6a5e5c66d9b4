-- A CI fix claim is finished once its revise ran. One left unfinished was cut off (the process died mid-revise), so a
-- retry of its job continues it while the task's head has not moved. Claims made before this column were finished.
alter table grove_ci_fix add column finished boolean default true not null;
