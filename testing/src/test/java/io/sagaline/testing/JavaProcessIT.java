package io.sagaline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaProcessIT {

    /** A stand-in for a Boot service: serves /health with 200 once the port is bound, logs SIGTERM. */
    private static final String SERVICE = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;

            public class Service {
                public static void main(String[] args) throws Exception {
                    if (System.getenv("FAIL_AT_START") != null) {
                        System.out.println("cannot start: " + System.getenv("FAIL_AT_START"));
                        System.exit(3);
                    }
                    int port = Integer.parseInt(System.getProperty("port"));
                    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
                    server.createContext("/health", exchange -> {
                        exchange.sendResponseHeaders(200, -1);
                        exchange.close();
                    });
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("graceful shutdown")));
                    server.start();
                    System.out.println("started on " + port + " with " + args.length + " args");
                }
            }
            """;

    @TempDir
    static Path dir;

    private static Path jar;

    @BeforeAll
    static void buildJar() throws IOException {
        Path source = dir.resolve("Service.java");
        Files.writeString(source, SERVICE);
        int exit = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), source.toString());
        assertThat(exit).isZero();
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Service");
        jar = dir.resolve("service.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("Service.class"));
            out.write(Files.readAllBytes(dir.resolve("Service.class")));
            out.closeEntry();
        }
    }

    @Test
    void startsAJarAndWaitsUntilItIsHealthyThenStopsItGracefully() {
        int port = freePort();
        Path log = dir.resolve("graceful.log");
        try (JavaProcess service = JavaProcess.builder(jar)
                .systemProperty("port", Integer.toString(port))
                .arg("--one")
                .arg("--two")
                .logFile(log)
                .build()) {
            service.start();
            service.awaitHealthy(health(port), Duration.ofSeconds(30));

            assertThat(service.isAlive()).isTrue();
            assertThat(ProcessHandle.of(service.pid())).isPresent();
            assertThat(service.logTail(5)).contains("started on " + port + " with 2 args");

            service.stop();

            assertThat(service.isAlive()).isFalse();
            assertThat(service.logTail(1)).isEqualTo("graceful shutdown\n");
        }
    }

    @Test
    void killsAndRestartsTheSameService() {
        int port = freePort();
        try (JavaProcess service = JavaProcess.builder(jar)
                .systemProperty("port", Integer.toString(port))
                .logFile(dir.resolve("restart.log"))
                .build()) {
            service.start().awaitHealthy(health(port), Duration.ofSeconds(30));
            long firstPid = service.pid();

            service.kill9();

            assertThat(service.isAlive()).isFalse();
            assertThat(service.logTail(10)).doesNotContain("graceful shutdown");

            service.start().awaitHealthy(health(port), Duration.ofSeconds(30));

            assertThat(service.pid()).isNotEqualTo(firstPid);
            assertThat(service.logTail(10).lines())
                    .filteredOn(line -> line.startsWith("started on"))
                    .hasSize(2);
        }
    }

    @Test
    void reportsTheLogWhenTheServiceDiesWhileStarting() {
        int port = freePort();
        try (JavaProcess service = JavaProcess.builder(jar)
                .env("FAIL_AT_START", "no database")
                .systemProperty("port", Integer.toString(port))
                .logFile(dir.resolve("failing.log"))
                .build()) {
            service.start();

            assertThatThrownBy(() -> service.awaitHealthy(health(port), Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code 3")
                    .hasMessageContaining("cannot start: no database");
        }
    }

    private static URI health(int port) {
        return URI.create("http://127.0.0.1:" + port + "/health");
    }

    private static int freePort() {

        return Ports.free();
    }
}
