package io.sagaline.notification;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An SMTP server that speaks the protocol up to the recipient and refuses every recipient with
 * one reply, such as {@code 550 5.1.1 mailbox unavailable} (permanent) or {@code 450 4.2.1 mailbox
 * busy} (transient): what a real mail server answers for an address it does not have. Each
 * connection is served on a thread of its own. Close it to stop listening.
 */
final class RefusingSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final String refusal;

    private RefusingSmtpServer(ServerSocket socket, String refusal) {
        this.socket = socket;
        this.refusal = refusal;
    }

    /**
     * Listens on {@code port} of 127.0.0.1 and answers every RCPT with {@code refusal}; waits up to
     * 10 s for the port, which a mail server stopped just before may still hold.
     */
    static RefusingSmtpServer start(int port, String refusal) {
        ServerSocket socket = await("port " + port + " free")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .ignoreException(BindException.class)
                .until(() -> new ServerSocket(port, 10, InetAddress.getLoopbackAddress()), bound -> true);
        var server = new RefusingSmtpServer(socket, refusal);
        Thread.ofPlatform().name("refusing-smtp").daemon().start(server::accept);
        return server;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread.ofPlatform().name("refusing-smtp-session").daemon().start(() -> serve(connection));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void serve(Socket connection) {
        try (connection;
                var in = new BufferedReader(
                        new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
                var out = new PrintWriter(connection.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            reply(out, "220 refusing.test ESMTP");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String command = line.length() < 4
                        ? line.toUpperCase()
                        : line.substring(0, 4).toUpperCase();
                switch (command) {
                    case "EHLO", "HELO" -> reply(out, "250 refusing.test");
                    case "MAIL", "RSET", "NOOP" -> reply(out, "250 OK");
                    case "RCPT" -> reply(out, refusal);
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "503 bad sequence of commands");
                }
            }
        } catch (IOException e) {
            // The client hung up: nothing left to serve.
        }
    }

    private static void reply(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
