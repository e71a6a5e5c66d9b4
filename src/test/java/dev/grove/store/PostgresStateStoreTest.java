package dev.grove.store;

import dev.grove.testing.TestDatabases;

/** The store contract on PostgreSQL (GROVE_TEST_DATABASE_URL), in a schema of its own. */
class PostgresStateStoreTest extends StateStoreContract {
    @Override
    Database open() {
        return TestDatabases.postgres();
    }
}
