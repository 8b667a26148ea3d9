package io.sagaline.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * CPU time and memory of named groups of processes, read from Linux {@code /proc}.
 *
 * <p>Take a {@link #snapshot()} before and after a measured window and compare them with {@link #usage}. A process
 * belongs to the first group that matches it and is counted once. Processes that exit while a snapshot reads them are
 * skipped; a process that exits during the window takes its CPU time with it. Where there is no {@code /proc}, a
 * snapshot is empty. Instances are immutable and safe to share between threads.
 */
final class ProcessTable {

    static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    private static final long PAGE_SIZE = 4096;
    private static final double MIB = 1024.0 * 1024.0;

    private final Path proc;
    private final List<Group> groups;

    ProcessTable(List<Group> groups) {
        this(Path.of("/proc"), groups);
    }

    ProcessTable(Path proc, List<Group> groups) {
        this.proc = proc;
        this.groups = List.copyOf(groups);
    }

    /** The processes of a Sagaline deployment on one machine, and this JVM as {@code load-generator}. */
    static ProcessTable sagaline() {
        long self = ProcessHandle.current().pid();
        List<Group> groups = new ArrayList<>();
        groups.add(new Group("load-generator", p -> p.pid() == self));
        groups.add(new Group(
                "postgres", p -> p.comm().equals("postgres") || p.commandLine().startsWith("postgres:")));
        groups.add(Group.commandLineContains("kafka", "kafka.Kafka"));
        groups.add(Group.commandLineContains("relay", "sagaline-outbox-relay.jar"));
        for (String service : List.of(
                "orchestrator",
                "payment-svc",
                "inventory-svc",
                "shipment-svc",
                "notification-svc",
                "twopc-coordinator")) {
            groups.add(Group.commandLineContains(service, "sagaline-" + service + ".jar"));
        }
        groups.add(Group.commandLineContains("smtp-sink", "smtp-sink.py"));
        return new ProcessTable(groups);
    }

    /** Reads every process once; memory only of those that belong to a group. */
    Snapshot snapshot() {
        long at = System.nanoTime();
        Map<Long, Sample> samples = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path entry : entries) {
                Sample sample = read(entry);
                if (sample != null) {
                    samples.put(sample.pid(), sample);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            return new Snapshot(at, Map.of(), 0, 0, 0);
        }
        long[] machine = machineTicks();
        return new Snapshot(at, Map.copyOf(samples), machine[0], machine[1], (int) machine[2]);
    }

    /** What each group used between two snapshots of this table; groups with no process in {@code to} are left out. */
    Usage usage(Snapshot from, Snapshot to) {
        Duration elapsed = Duration.ofNanos(to.nanoTime() - from.nanoTime());
        double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
        List<GroupUsage> used = new ArrayList<>();
        for (Group group : groups) {
            List<Sample> members = to.processes().values().stream()
                    .filter(sample -> group.name().equals(sample.group()))
                    .toList();
            if (!members.isEmpty()) {
                long ticks = members.stream()
                        .mapToLong(sample -> ticksSince(from, sample))
                        .sum();
                used.add(new GroupUsage(
                        group.name(),
                        100.0 * ticks / CLOCK_TICKS_PER_SECOND / seconds,
                        mib(members, Sample::rssBytes),
                        mib(members, Sample::pssBytes),
                        mib(members, Sample::peakRssBytes),
                        members.size()));
            }
        }
        used.sort(Comparator.comparingDouble(GroupUsage::cpuPercentOfCore).reversed());
        long allTicks = to.machineTicks() - from.machineTicks();
        long busyTicks = to.machineBusyTicks() - from.machineBusyTicks();
        double machineBusy = allTicks > 0 ? 100.0 * busyTicks / allTicks : 0;
        return new Usage(elapsed, List.copyOf(used), machineBusy, to.cpus());
    }

    private static long ticksSince(Snapshot from, Sample now) {
        Sample before = from.processes().get(now.pid());
        // A pid reused by a new process is a new process: count it from zero.
        return before != null && before.startTicks() == now.startTicks()
                ? Math.max(now.cpuTicks() - before.cpuTicks(), 0)
                : now.cpuTicks();
    }

    private static double mib(List<Sample> samples, ToLongFunction<Sample> bytes) {
        return samples.stream().mapToLong(bytes).sum() / MIB;
    }

    private @Nullable Sample read(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String comm = stat.substring(open + 1, close);
            String commandLine = commandLine(Files.readAllBytes(dir.resolve("cmdline")));
            long pid = Long.parseLong(dir.getFileName().toString());
            Identity identity = new Identity(pid, comm, commandLine);
            @Nullable
            Group group = groups.stream()
                    .filter(g -> g.matches().test(identity))
                    .findFirst()
                    .orElse(null);
            // Fields from 3 (state) on; comm may hold spaces and parentheses, so split after the last ')'.
            String[] fields = stat.substring(close + 2).trim().split(" +");
            long cpuTicks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
            long startTicks = Long.parseLong(fields[22 - 3]);
            if (group == null) {
                // Kept for its CPU time, in case it joins a group by the next snapshot (a shell that execs java).
                return new Sample(pid, null, cpuTicks, startTicks, 0, 0, 0);
            }
            long rss = Long.parseLong(fields[24 - 3]) * PAGE_SIZE;
            long peak = rss;
            for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kibibytes(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kibibytes(line);
                }
            }
            return new Sample(pid, group.name(), cpuTicks, startTicks, rss, pss(dir, rss), Math.max(peak, rss));
        } catch (IOException | RuntimeException e) {
            // The process exited while being read, or is not ours to read.
            return null;
        }
    }

    // Resident memory with each shared page divided among the processes sharing it, so that a group adds up.
    private static long pss(Path dir, long rss) {
        try (Stream<String> lines = Files.lines(dir.resolve("smaps_rollup"), StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> line.startsWith("Pss:"))
                    .mapToLong(ProcessTable::kibibytes)
                    .findFirst()
                    .orElse(rss);
        } catch (IOException | UncheckedIOException e) {
            return rss; // before Linux 4.14, or not ours to read
        }
    }

    // Busy ticks, all ticks, and the number of CPUs.
    private long[] machineTicks() {
        try {
            List<String> lines = Files.readAllLines(proc.resolve("stat"), StandardCharsets.ISO_8859_1);
            String[] cpu = lines.getFirst().trim().split(" +");
            long all = 0;
            // user nice system idle iowait irq softirq steal; guest time is already in user.
            for (int i = 1; i <= 8 && i < cpu.length; i++) {
                all += Long.parseLong(cpu[i]);
            }
            long idle = Long.parseLong(cpu[4]) + (cpu.length > 5 ? Long.parseLong(cpu[5]) : 0);
            long cpus =
                    lines.stream().filter(line -> line.matches("cpu\\d+ .*")).count();
            return new long[] {
                all - idle, all, cpus > 0 ? cpus : Runtime.getRuntime().availableProcessors()
            };
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0, Runtime.getRuntime().availableProcessors()};
        }
    }

    private static String commandLine(byte[] raw) {
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8).replace('\0', ' ');
    }

    private static long kibibytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("\\D", "")) * 1024;
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** What a group is matched on: the pid, the kernel's short name, and the arguments joined by spaces. */
    record Identity(long pid, String comm, String commandLine) {}

    /** A named set of processes. */
    record Group(String name, Predicate<Identity> matches) {

        static Group commandLineContains(String name, String fragment) {
            return new Group(name, p -> p.commandLine().contains(fragment));
        }
    }

    /**
     * One process at one moment: its group ({@code null} for none), CPU time in clock ticks, when it started (to tell a
     * reused pid), and for a process in a group its resident memory, proportional set size and resident peak.
     */
    record Sample(
            long pid,
            @Nullable String group,
            long cpuTicks,
            long startTicks,
            long rssBytes,
            long pssBytes,
            long peakRssBytes) {}

    /** The processes by pid and the machine's CPU counters at one moment ({@link System#nanoTime()}). */
    record Snapshot(long nanoTime, Map<Long, Sample> processes, long machineBusyTicks, long machineTicks, int cpus) {}

    /**
     * What one group used over a window: CPU as a percentage of one core (so 150 is one and a half cores), and at the end
     * of the window its resident memory, its proportional set size, the sum of its processes' resident peaks, and how
     * many processes it had. Resident memory counts a page shared by several processes (PostgreSQL's shared buffers)
     * in each of them; the proportional set size divides it among them, so it adds up across processes and groups.
     */
    record GroupUsage(
            String group, double cpuPercentOfCore, double rssMib, double pssMib, double peakRssMib, int processes) {}

    /** Usage per group, busiest first, and how busy the whole machine was as a percentage of all its cores. */
    record Usage(Duration elapsed, List<GroupUsage> groups, double machineBusyPercent, int cpus) {

        String format() {
            int width = groups.stream().mapToInt(g -> g.group().length()).max().orElse(0);
            width = Math.max(width, "machine".length());
            String row = "%-" + width + "s  %8s  %8s  %8s  %9s%n";
            StringBuilder table = new StringBuilder();
            table.append(String.format(row, "process", "CPU/core", "RSS MiB", "PSS MiB", "processes"));
            for (GroupUsage g : groups) {
                table.append(String.format(
                        row,
                        g.group(),
                        percent(g.cpuPercentOfCore()),
                        whole(g.rssMib()),
                        whole(g.pssMib()),
                        g.processes()));
            }
            table.append(String.format(
                    row,
                    "total",
                    percent(sum(GroupUsage::cpuPercentOfCore)),
                    "",
                    whole(sum(GroupUsage::pssMib)),
                    groups.stream().mapToInt(GroupUsage::processes).sum()));
            table.append(String.format(
                    "%-" + width + "s  %8s  of %d%% (%d cores) over %.1f s%n",
                    "machine",
                    percent(machineBusyPercent * cpus),
                    100 * cpus,
                    cpus,
                    elapsed.toMillis() / 1000.0));
            return table.toString();
        }

        private double sum(ToDoubleFunction<GroupUsage> value) {
            return groups.stream().mapToDouble(value).sum();
        }

        private static String percent(double value) {
            return String.format("%.1f%%", value);
        }

        private static String whole(double value) {
            return String.format("%.0f", value);
        }
    }
}
