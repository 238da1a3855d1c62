"""Our tables, created and migrated at start-up.

`MIGRATIONS[i]` brings the schema to version i + 1; the versions applied are
recorded in `schema_migrations`. Several processes may start at once, so the
migration runs under a transaction-scoped advisory lock.
"""

import asyncpg

MIGRATIONS_LOCK_KEY = 7_461_022_113_905_118  # any constant; names our migration lock

CREATE_VERSIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""

MIGRATIONS = [
    """
    CREATE TABLE threads (
        thread_id text PRIMARY KEY,
        title text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        message_count integer NOT NULL DEFAULT 0
    );
    CREATE INDEX threads_newest_first ON threads (updated_at DESC, thread_id DESC);

    CREATE TABLE messages (
        id bigserial PRIMARY KEY,
        thread_id text NOT NULL REFERENCES threads ON DELETE CASCADE,
        run_id text,
        message_id text NOT NULL,
        role text NOT NULL,
        content text NOT NULL DEFAULT '',
        tool_name text,
        tool_call_id text,
        tool_args jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- a tool-call row shares its assistant message's id, told apart by tool_call_id
        UNIQUE NULLS NOT DISTINCT (thread_id, message_id, tool_call_id)
    );
    CREATE INDEX messages_by_thread ON messages (thread_id, created_at, id);

    CREATE TABLE runs (
        run_id text PRIMARY KEY,
        thread_id text NOT NULL,
        status text NOT NULL,
        owner_pid integer,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
    );
    CREATE INDEX runs_active_by_thread ON runs (thread_id) WHERE status = 'running';
    CREATE INDEX runs_finished_at ON runs (finished_at);

    CREATE TABLE run_events (
        run_id text NOT NULL REFERENCES runs ON DELETE CASCADE,
        seq integer NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (run_id, seq)
    );
    """,
    """
    -- the thread's advisory lock key, so "who holds this thread" is one query on pg_locks
    ALTER TABLE runs ADD COLUMN lock_key bigint, ADD COLUMN last_seq integer;
    -- a deleted thread's rows still being written (retries against a slow database) stay deleted
    CREATE TABLE deleted_threads (
        thread_id text PRIMARY KEY,
        deleted_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX deleted_threads_deleted_at ON deleted_threads (deleted_at);
    """,
    """
    -- what the debug page's runs list shows of a finished run (issue 15)
    ALTER TABLE runs ADD COLUMN first_token_ms integer, ADD COLUMN tokens integer,
        ADD COLUMN input_tokens integer, ADD COLUMN output_tokens integer;
    CREATE INDEX runs_by_thread_newest_first ON runs (thread_id, started_at DESC);
    """,
    """
    -- the AG-UI interrupts a thread waits on (null: none), set when a run ends on interrupt()
    ALTER TABLE threads ADD COLUMN interrupts jsonb;
    """,
    """
    -- threads as the LangGraph Server API has them: created before any run, with metadata
    CREATE TABLE lg_threads (
        thread_id text PRIMARY KEY,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX lg_threads_metadata ON lg_threads USING gin (metadata jsonb_path_ops);
    """,
    """
    -- a write of message rows in one round trip instead of four (BEGIN, lock, insert, COMMIT):
    -- the lock is taken first, then the insert runs as a statement of its own, with a snapshot
    -- taken after the lock was granted, so it sees a delete that committed while it waited
    CREATE FUNCTION record_messages(
        p_thread_id text, p_run_id text, p_message_ids text[], p_roles text[], p_contents text[],
        p_tool_names text[], p_tool_call_ids text[], p_tool_args jsonb[], p_created_at timestamptz[],
        p_title text, p_first timestamptz, p_last timestamptz, p_lock_key bigint
    ) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock_shared(p_lock_key);
        WITH live AS (
            SELECT NOT EXISTS (SELECT 1 FROM deleted_threads WHERE thread_id = p_thread_id)
                   OR EXISTS (SELECT 1 FROM runs WHERE run_id = p_run_id) AS ok
        ),
        inserted AS (
            INSERT INTO messages (thread_id, run_id, message_id, role, content,
                                  tool_name, tool_call_id, tool_args, created_at)
            SELECT p_thread_id, p_run_id, * FROM unnest(p_message_ids, p_roles, p_contents,
                                                        p_tool_names, p_tool_call_ids, p_tool_args,
                                                        p_created_at)
            WHERE (SELECT ok FROM live)
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        INSERT INTO threads AS t (thread_id, title, created_at, updated_at, message_count)
        SELECT p_thread_id, p_title, p_first, p_last, (SELECT count(*) FROM inserted)
        WHERE (SELECT ok FROM live)
        ON CONFLICT (thread_id) DO UPDATE SET
            title = COALESCE(t.title, EXCLUDED.title),
            updated_at = GREATEST(t.updated_at, EXCLUDED.updated_at),
            message_count = t.message_count + EXCLUDED.message_count;
    END $$;
    """,
    """
    -- taking a thread in one round trip: its lock, its run row, and whether it waits on a person,
    -- read after the lock was granted (a statement of its own, so it sees what the run that held
    -- the thread recorded before letting go)
    CREATE FUNCTION claim_thread(
        p_lock_key bigint, p_run_id text, p_thread_id text,
        OUT locked boolean, OUT inserted boolean, OUT waiting boolean
    ) LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        locked := pg_try_advisory_lock(p_lock_key);
        inserted := false;
        waiting := false;
        IF NOT locked THEN
            RETURN;
        END IF;
        UPDATE runs SET status = 'lost', finished_at = now()
        WHERE thread_id = p_thread_id AND status = 'running';
        INSERT INTO runs (run_id, thread_id, status, owner_pid, lock_key)
        VALUES (p_run_id, p_thread_id, 'running', pg_backend_pid(), p_lock_key)
        ON CONFLICT (run_id) DO NOTHING;
        inserted := FOUND;
        waiting := EXISTS (SELECT 1 FROM threads WHERE thread_id = p_thread_id AND interrupts IS NOT NULL);
    END $$;
    """,
]

SELECT_VERSIONS = "SELECT version FROM schema_migrations"
INSERT_VERSION = "INSERT INTO schema_migrations (version) VALUES ($1)"


async def migrate(pool: asyncpg.Pool) -> None:
    """Apply every migration this database has not had yet."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATIONS_LOCK_KEY)
        await conn.execute(CREATE_VERSIONS_TABLE)
        applied = {row["version"] for row in await conn.fetch(SELECT_VERSIONS)}
        for version, sql in enumerate(MIGRATIONS, start=1):
            if version not in applied:
                await conn.execute(sql)
                await conn.execute(INSERT_VERSION, version)
