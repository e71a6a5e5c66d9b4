package dev.grove.queue;

import dev.grove.store.Database;
import dev.grove.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The durable job queue on the embedded default, SQLite. */
class SqliteDurableJobQueueTest extends DurableJobQueueContract {
    @TempDir
    Path tmp;

    @Override
    Database open() {
        return TestDatabases.sqlite(tmp);
    }
}
