//! The API over real HTTP: a real server on port 0 over a fresh SQLite file per test.

mod answers;
mod capacity;
mod catalog;
mod conversations;
mod demo;
mod fuzz;
mod hardening;
mod helpers;
mod inboxes;
mod lists;
mod load;
mod mail;
mod mail_fuzz;
mod moves;
mod people;
mod security;
mod session;
mod setup;
mod sla;
mod statuses;
