package dev.grove.queue;

import dev.grove.store.Database;
import dev.grove.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The durable job queue on H2, the embedded database of data folders made before SQLite. */
class H2DurableJobQueueTest extends DurableJobQueueContract {
    @TempDir
    Path tmp;

    @Override
    Database open() {
        return TestDatabases.h2(tmp);
    }
}
