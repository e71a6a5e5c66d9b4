-- the last time each outsider was told on an issue that Grove takes no commands from them: they are told once an
-- hour, however many processes serve the App and however often they restart
create table grove_refusal_reply (
  repo varchar(200) not null,
  issue int not null,
  login varchar(100) not null,
  replied_at timestamp with time zone not null,
  primary key (repo, issue, login)
);

-- the steps Grove took on an issue once its tasks' pull requests were merged (a checklist item ticked, the summary
-- posted, the issue closed): a retry of a job that stopped midway does what is left, and nothing twice
create table grove_issue_step (
  repo varchar(200) not null,
  issue int not null,
  step varchar(300) not null,
  done_at timestamp with time zone not null,
  primary key (repo, issue, step)
);
