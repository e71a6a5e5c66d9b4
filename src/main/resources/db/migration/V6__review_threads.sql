-- review comments left on the diff of Grove pull requests (pull_request_review_comment), by GitHub's comment id:
-- a redelivered comment is known, a batch revise takes the PENDING ones, and each reply in a thread is made once
create table grove_review_comment (
  repo varchar(200) not null,
  comment_id bigint not null,
  pull_number int not null,
  state varchar(16) not null,
  sha varchar(64),
  record text,
  received_at timestamp with time zone not null,
  primary key (repo, comment_id)
);
create index grove_review_comment_pull_idx on grove_review_comment (repo, pull_number, state);
