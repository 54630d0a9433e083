package dev.bascule.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.Objects;

/**
 * The file of a Unix socket this process bound. A socket left by an earlier run would make bind fail, so it is
 * replaced, as HAProxy does; and on close the file is removed only if it is still this socket's: during a
 * handoff the new process may have bound its own socket at the same path meanwhile.
 */
public final class SocketFile {
    private final Path path;
    private final Object key;

    private SocketFile(Path path, Object key) {
        this.path = path;
        this.key = key;
    }

    /** Removes what an earlier process left at {@code path}, before binding there. */
    public static void replaceStale(Path path) throws StartupException {
        try {
            if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new StartupException("cannot replace the old socket " + path + ": " + e.getMessage());
        }
    }

    /** The file just bound at {@code path}. */
    public static SocketFile bound(Path path) {
        return new SocketFile(path, key(path));
    }

    public Path path() {
        return path;
    }

    /** Removes the file unless another socket has taken its path since. */
    public void remove() {
        try {
            if (key != null && Objects.equals(key, key(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // closing anyway: a file left behind is replaced by the next bind
        }
    }

    /** Sets the socket's permissions from an octal mode ({@code 600}), as {@code mode} on a stats socket or -S. */
    public static void chmod(Path path, String octal) throws IOException {
        Files.setPosixFilePermissions(path, permissions(octal));
    }

    private static Set<PosixFilePermission> permissions(String octal) {
        int mode = Integer.parseInt(octal, 8);
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }

    /**
     * The file's identity: its inode, and its times, since a deleted socket's inode number is often given at once
     * to the next file created (the new process's socket at the same path).
     */
    private static Object key(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.creationTime(), a.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }
}
