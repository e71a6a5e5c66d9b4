-- the last time each outsider was told on an issue that Grove takes no commands from them: they are told once an
-- hour, however many processes serve the App and however often they restart
create table grove_refusal_reply (
  repo varchar(200) not null,
  issue int not null,
  login varchar(100) not null,
  replied_at timestamp with time zone not null,
  primary key (repo, issue, login)
);
