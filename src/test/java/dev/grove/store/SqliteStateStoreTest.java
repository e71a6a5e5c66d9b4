package dev.grove.store;

import dev.grove.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default (SQLite in a file, as {@code grove serve} opens it). */
class SqliteStateStoreTest extends StateStoreContract {
    @TempDir
    Path tmp;

    @Override
    Database open() {
        return TestDatabases.sqlite(tmp);
    }
}
