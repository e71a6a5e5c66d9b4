package dev.grove.queue;

import dev.grove.store.Database;
import dev.grove.testing.TestDatabases;

/** The durable job queue on PostgreSQL (GROVE_TEST_DATABASE_URL), in a schema of its own. */
class PostgresDurableJobQueueTest extends DurableJobQueueContract {
    @Override
    Database open() {
        return TestDatabases.postgres();
    }
}
