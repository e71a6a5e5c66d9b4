package dev.grove.store;

import dev.grove.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on H2 in a file, the embedded database of data folders made before SQLite. */
class H2StateStoreTest extends StateStoreContract {
    @TempDir
    Path tmp;

    @Override
    Database open() {
        return TestDatabases.h2(tmp);
    }
}
