package io.sagaline.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.sagaline.loadgen.ProcessTable.Group;
import io.sagaline.loadgen.ProcessTable.GroupUsage;
import io.sagaline.loadgen.ProcessTable.Snapshot;
import io.sagaline.loadgen.ProcessTable.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class ProcessTableTest {

    private static final double TICK = 1.0 / ProcessTable.CLOCK_TICKS_PER_SECOND;

    @Test
    void measuresTheCpuAndMemoryOfABusyProcess() throws Exception {
        String marker = "busy-" + UUID.randomUUID();
        ProcessTable table = new ProcessTable(List.of(
                Group.commandLineContains("busy", marker), Group.commandLineContains("absent", "no-such-" + marker)));
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done", marker).start();
        try {
            // The JDK's own reading of the child's CPU time brackets each snapshot, so the measurement has an
            // independent reference even on a machine too busy to give the child a whole core.
            Duration beforeFrom = cpu(busy);
            Snapshot from = table.snapshot();
            Duration afterFrom = cpu(busy);
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> System.nanoTime() - from.nanoTime()
                                    >= Duration.ofSeconds(1).toNanos()
                            && cpu(busy).minus(afterFrom).toMillis() >= 100);
            Duration beforeTo = cpu(busy);
            Usage usage = table.usage(from, table.snapshot());
            Duration afterTo = cpu(busy);

            assertThat(usage.groups()).extracting(GroupUsage::group).containsExactly("busy");
            GroupUsage group = usage.groups().getFirst();
            double measured = group.cpuPercentOfCore() / 100 * usage.elapsed().toNanos() / 1e9;
            assertThat(measured)
                    .isBetween(seconds(beforeTo.minus(afterFrom)) - TICK, seconds(afterTo.minus(beforeFrom)) + TICK);
            assertThat(group.cpuPercentOfCore()).isBetween(atLeastPercent(usage), 110.0);
            assertThat(group.rssMib()).isPositive();
            assertThat(group.pssMib()).isPositive().isLessThanOrEqualTo(group.rssMib());
            assertThat(group.peakRssMib()).isGreaterThanOrEqualTo(group.rssMib());
            assertThat(group.processes()).isEqualTo(1);
            assertThat(usage.machineBusyPercent()).isPositive();
            assertThat(usage.format()).contains("busy").contains("total").contains("machine");
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }

    @Test
    void readsNamesWithSpacesAndParenthesesAndCountsNewProcessesFromZero(@TempDir Path proc) throws Exception {
        ProcessTable table = new ProcessTable(
                proc,
                List.of(
                        Group.commandLineContains("orchestrator", "sagaline-orchestrator.jar"),
                        new Group("postgres", p -> p.comm().equals("postgres"))));
        machine(proc, 100, 800);
        process(proc, 42, "java) (x", "java\0-jar\0sagaline-orchestrator.jar\0", 150, 50, 7);
        process(proc, 43, "postgres", "postgres: checkpointer\0", 10, 0, 9);
        process(proc, 44, "bash", "bash\0", 500, 0, 3);
        Snapshot from = table.snapshot();

        machine(proc, 300, 1600);
        process(proc, 42, "java) (x", "java\0-jar\0sagaline-orchestrator.jar\0", 200, 100, 7);
        process(proc, 43, "postgres", "postgres: checkpointer\0", 4, 1, 10); // a new process under a reused pid
        process(proc, 45, "postgres", "postgres: walwriter\0", 20, 0, 11);
        Snapshot taken = table.snapshot();
        Snapshot to = new Snapshot(
                from.nanoTime() + Duration.ofSeconds(2).toNanos(),
                taken.processes(),
                taken.machineBusyTicks(),
                taken.machineTicks(),
                taken.cpus());
        Usage usage = table.usage(from, to);

        double percentPerTick = 100.0 / ProcessTable.CLOCK_TICKS_PER_SECOND / 2;
        assertThat(usage.groups())
                .extracting(GroupUsage::group, GroupUsage::cpuPercentOfCore, GroupUsage::processes)
                .containsExactly(
                        tuple("orchestrator", 100 * percentPerTick, 1), tuple("postgres", 25 * percentPerTick, 2));
        GroupUsage orchestrator = usage.groups().getFirst();
        assertThat(orchestrator.rssMib()).isEqualTo(2.0);
        assertThat(orchestrator.pssMib()).isEqualTo(2.0);
        assertThat(orchestrator.peakRssMib()).isEqualTo(3.0);
        assertThat(usage.machineBusyPercent()).isEqualTo(20.0);
        assertThat(usage.cpus()).isEqualTo(2);
    }

    @Test
    void countsThisJvmAsTheLoadGenerator() {
        ProcessTable table = ProcessTable.sagaline();
        Snapshot from = table.snapshot();
        Usage usage = table.usage(from, table.snapshot());

        GroupUsage self = usage.groups().stream()
                .filter(g -> g.group().equals("load-generator"))
                .findFirst()
                .orElseThrow();
        assertThat(self.processes()).isEqualTo(1);
        assertThat(self.rssMib()).isGreaterThan(1);
        assertThat(usage.cpus()).isPositive();
    }

    private static void machine(Path proc, long busy, long idle) throws IOException {
        Files.writeString(
                proc.resolve("stat"),
                "cpu  %d 0 0 %d 0 0 0 0 0 0%ncpu0 0 0 0 0 0 0 0 0 0 0%ncpu1 0 0 0 0 0 0 0 0 0 0%nintr 0%n"
                        .formatted(busy, idle));
    }

    private static void process(
            Path proc, int pid, String comm, String commandLine, long utime, long stime, long started)
            throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(
                dir.resolve("stat"),
                "%d (%s) S 1 %d %d 0 -1 4194560 100 0 0 0 %d %d 0 0 20 0 1 0 %d 1000000 512 18446744073709551615%n"
                        .formatted(pid, comm, pid, pid, utime, stime, started));
        Files.writeString(dir.resolve("cmdline"), commandLine);
        Files.writeString(
                dir.resolve("status"), "Name:\t%s%nVmHWM:\t    3072 kB%nVmRSS:\t    2048 kB%n".formatted(comm));
    }

    private static Duration cpu(Process process) {
        return process.info().totalCpuDuration().orElseThrow();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    // Unless the machine was saturated, nothing kept the busy child from a whole core.
    private static double atLeastPercent(Usage usage) {
        return usage.machineBusyPercent() < 90 ? 50.0 : 1.0;
    }
}
