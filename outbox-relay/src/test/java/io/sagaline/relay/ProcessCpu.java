package io.sagaline.relay;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of the processes that share the machine during a benchmark, grouped by role:
 * PostgreSQL (every postgres process), the Kafka broker, the relay, and this load generator.
 */
final class ProcessCpu {

    private final long relayPid;
    private final long selfPid = ProcessHandle.current().pid();

    ProcessCpu(long relayPid) {
        this.relayPid = relayPid;
    }

    /** Total CPU so far per role. */
    Map<String, Duration> sample() {
        Map<String, Duration> byRole = new LinkedHashMap<>();
        for (String role : new String[] {"postgresql", "kafka", "relay", "load generator"}) {
            byRole.put(role, Duration.ZERO);
        }
        ProcessHandle.allProcesses().forEach(process -> {
            String role = roleOf(process);
            if (role != null) {
                process.info().totalCpuDuration().ifPresent(cpu -> byRole.merge(role, cpu, Duration::plus));
            }
        });
        return byRole;
    }

    /** Share of one core per role between two samples taken {@code wall} apart. */
    static Map<String, Double> shares(Map<String, Duration> before, Map<String, Duration> after, Duration wall) {
        Map<String, Double> shares = new LinkedHashMap<>();
        after.forEach((role, cpu) -> shares.put(
                role,
                (double) cpu.minus(before.getOrDefault(role, Duration.ZERO)).toNanos() / wall.toNanos()));
        return shares;
    }

    private String roleOf(ProcessHandle process) {
        if (process.pid() == relayPid) {
            return "relay";
        }
        if (process.pid() == selfPid) {
            return "load generator";
        }
        String command = process.info().command().orElse("");
        if (command.endsWith("/postgres")) {
            return "postgresql";
        }
        if (command.endsWith("/java") && commandLine(process.pid()).contains("kafka.Kafka")) {
            return "kafka";
        }
        return null;
    }

    /** The full command line; ProcessHandle.Info leaves out long ones, such as a broker's class path. */
    private static String commandLine(long pid) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }
}
