package dev.grove.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GROVE_DATA_DIR} holds clones of private repositories, task logs and the state file: it is Grove's alone.
 * Grove makes it (mode 0700) or closes it to everyone else before anything is written, so nothing inside can be
 * reached by another user, whatever the modes of the files in it.
 */
final class DataDir {
    private static final Logger log = LoggerFactory.getLogger(DataDir.class);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private DataDir() {
    }

    static Path prepare(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(dir)) {
            throw new IOException("GROVE_DATA_DIR " + dir + " is a symbolic link: name the real folder");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!now.equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
            log.warn("GROVE_DATA_DIR {} was {}; made it {} (Grove's alone)", dir, PosixFilePermissions.toString(now),
                    PosixFilePermissions.toString(OWNER_ONLY));
        }
        return dir;
    }

    /** Held for the life of the process: the lock on {@code grove.lock} is the OS's, let go when the process ends. */
    private static FileChannel held;

    /**
     * Claims the data folder for this process, until it exits (however it exits: the OS releases the lock, so a
     * {@code kill -9} leaves nothing to clean). Two processes in one folder would share its cached clones, worktrees
     * and embedded database; H2 refused the second by its file lock, SQLite would let both in. Each process of several
     * on one PostgreSQL has a folder of its own.
     */
    static synchronized void claim(Path dataDir) throws IOException {
        Path dir = prepare(dataDir);
        FileChannel channel = FileChannel.open(dir.resolve("grove.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalArgumentException("GROVE_DATA_DIR " + dir + " is in use by another Grove process: give "
                    + "each process a data folder of its own");
        }
        held = channel;
    }
}
