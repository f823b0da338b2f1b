import type { Migration } from './migrate.js';

/**
 * The schema's history, oldest first. Append only: never edit or renumber a migration
 * that has shipped; fix it with a new one.
 */
export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'initial schema',
    sql: `
      create table node_meta (key text primary key, value jsonb not null);

      create table collaborations (id text primary key, spec jsonb not null, created_at bigint not null);

      create table members (
        collab_id text not null references collaborations(id),
        key_id text not null,
        name text not null,
        institution text not null,
        jurisdiction text not null,
        roles jsonb not null,
        public_key bytea not null,
        joined_at bigint not null,
        primary key (collab_id, key_id)
      );

      create table jobs (
        id text primary key,
        collab_id text not null references collaborations(id),
        spec jsonb not null,
        status text not null,
        phase text not null,
        error text,
        preprocessing jsonb,
        created_at bigint not null,
        updated_at bigint not null
      );
      -- Postgres does not index referencing columns; jobs are listed per collaboration.
      create index jobs_collab_id on jobs (collab_id);

      create table job_reports (
        job_id text not null references jobs(id),
        site_key text not null,
        kind text not null,
        round integer not null,
        payload jsonb not null,
        received_at bigint not null,
        primary key (job_id, site_key, kind, round)
      );

      create table rounds (
        job_id text not null references jobs(id),
        round integer not null,
        status text not null,
        started_at bigint not null,
        deadline_at bigint not null,
        completed_at bigint,
        participants jsonb,
        dropped jsonb,
        global_model bytea,
        global_model_sha256 text,
        strategy_state bytea,
        metrics jsonb,
        primary key (job_id, round)
      );

      -- An update belongs to a round that exists (the only table that lacked its reference).
      create table updates (
        job_id text not null,
        round integer not null,
        site_key text not null,
        num_samples integer not null,
        payload bytea not null,
        payload_sha256 text not null,
        train_ms double precision,
        loss double precision,
        received_at bigint not null,
        primary key (job_id, round, site_key),
        foreign key (job_id, round) references rounds (job_id, round)
      );

      create table seen_nonces (sender text not null, nonce text not null, ts bigint not null, primary key (sender, nonce));
      create index seen_nonces_ts on seen_nonces (ts);

      create table refusals (
        id bigserial primary key,
        at bigint not null,
        sender text,
        collab_id text,
        message_type text,
        status integer not null,
        reason text not null
      );
    `,
  },
  {
    id: 2,
    name: 'job models',
    sql: `
      -- Models a job keeps besides its rounds' global models, e.g. each site's local-only baseline.
      create table job_models (
        job_id text not null references jobs(id),
        name text not null,
        payload bytea not null,
        sha256 text not null,
        created_at bigint not null,
        primary key (job_id, name)
      );
    `,
  },
  {
    id: 3,
    name: 'signed envelopes of updates',
    sql: `
      -- The site's signed envelope over each update: the round's log entries carry it as the
      -- site's receipt, which only the site could have produced.
      alter table updates add column sealed jsonb;
    `,
  },
  {
    id: 4,
    name: 'trust levels',
    sql: `
      -- A collaboration's trust level, members, record and open proposal with its votes.
      create table collab_trust (
        collab_id text primary key references collaborations(id),
        state jsonb not null,
        revision integer not null,
        proposal jsonb,
        signatures jsonb not null default '{}'::jsonb
      );
    `,
  },
  {
    id: 5,
    name: 'policy packs per collaboration',
    sql: `
      -- Every pack version proposed in a collaboration, by hash (text and metadata as proposed).
      create table policy_packs (
        collab_id text not null references collaborations(id),
        hash text not null,
        pack text not null,
        source text not null,
        added_at bigint not null,
        primary key (collab_id, hash)
      );
      -- The version of each pack its members voted into force; a pack absent here is the hub's.
      create table policy_in_force (
        collab_id text not null references collaborations(id),
        pack text not null,
        hash text not null,
        since bigint not null,
        primary key (collab_id, pack),
        foreign key (collab_id, hash) references policy_packs (collab_id, hash)
      );
      -- Proposed changes with the signatures gathered; status open, applied, stale or refused.
      create table policy_proposals (
        id text primary key,
        collab_id text not null references collaborations(id),
        proposal jsonb not null,
        proposer text not null,
        summary jsonb not null,
        signatures jsonb not null default '{}'::jsonb,
        status text not null,
        created_at bigint not null
      );
      create index policy_proposals_collab_id on policy_proposals (collab_id);
    `,
  },
];
