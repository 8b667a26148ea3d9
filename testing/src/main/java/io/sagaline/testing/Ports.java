package io.sagaline.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for the servers a test starts. A port the kernel hands out for {@code bind(0)}
 * comes from its ephemeral range, the same range every outgoing connection takes its source port
 * from: between the test picking it and the server binding it seconds later, a Kafka or JDBC
 * client of the same machine can take it ("Port already in use"). These come from below that
 * range, where no outgoing connection lands, and are never handed out twice in one JVM.
 */
public final class Ports {

    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {}

    /** A port that is free now, below the ephemeral range, and not handed out before. */
    public static synchronized int free() {
        int below = ephemeralRangeStart();
        for (int tries = 0; tries < 1_000; tries++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (!HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + below);
    }

    /**
     * {@code count} consecutive ports, free now, below the ephemeral range and not handed out
     * before: for servers that number their ports from a first one, such as Connect workers.
     *
     * @return the first of them
     */
    public static synchronized int freeRange(int count) {
        int below = ephemeralRangeStart();
        for (int tries = 0; tries < 1_000; tries++) {
            int first = ThreadLocalRandom.current().nextInt(LOWEST, below - count);
            boolean free = true;
            for (int port = first; port < first + count && free; port++) {
                free = !HANDED_OUT.contains(port) && bindable(port);
            }
            if (free) {
                for (int port = first; port < first + count; port++) {
                    HANDED_OUT.add(port);
                }
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports between " + LOWEST + " and " + below);
    }

    private static boolean bindable(int port) {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            return Math.max(LOWEST + 1_000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException unknown) {
            return 32_768; // Linux's default; IANA's dynamic range starts at 49152
        }
    }
}
