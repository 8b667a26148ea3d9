package io.sagaline.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and one server certificate it signed, for {@code 127.0.0.1} and
 * {@code localhost}, valid for two days: what a test needs to run PostgreSQL or Kafka over TLS and
 * to make its clients verify them. Made with {@code openssl}, which must be on the {@code PATH}.
 * The files are PEM for PostgreSQL and its driver, and PKCS12 stores for Java clients and Kafka.
 *
 * <p>Immutable and thread-safe; the files stay in their directory until someone deletes it.
 */
public final class TestCertificates {

    private static final String CONFIG = """
            [req]
            distinguished_name = subject
            prompt = no
            [subject]
            CN = Sagaline test
            [ca]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            [server]
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1, DNS:localhost
            subjectKeyIdentifier = hash
            authorityKeyIdentifier = keyid
            """;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path caCertificate;
    private final Path serverCertificate;
    private final Path serverKey;
    private final Path trustStore;
    private final Path keyStore;
    private final String storePassword;

    private TestCertificates(Path directory, String storePassword) {
        this.caCertificate = directory.resolve("ca.crt");
        this.serverCertificate = directory.resolve("server.crt");
        this.serverKey = directory.resolve("server.key");
        this.trustStore = directory.resolve("truststore.p12");
        this.keyStore = directory.resolve("server.p12");
        this.storePassword = storePassword;
    }

    /**
     * Makes a new authority and server certificate in {@code directory}, created if missing.
     *
     * @throws IllegalStateException if {@code openssl} fails or is missing
     */
    public static TestCertificates create(Path directory) {
        var certificates = new TestCertificates(directory.toAbsolutePath(), randomHex(12));
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("openssl.cnf"), CONFIG);
            certificates.issue(directory.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write test certificates to " + directory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not read the certificates openssl made in " + directory, e);
        }
        return certificates;
    }

    /** The authority's certificate, PEM: PostgreSQL's {@code sslrootcert}. */
    public Path caCertificate() {
        return caCertificate;
    }

    /**
     * The parameters of a PostgreSQL JDBC URL that make the driver use TLS and check the server's
     * certificate and name against this authority: {@code sslmode=verify-full&sslrootcert=...}.
     */
    public String jdbcVerifyFull() {
        return "sslmode=verify-full&sslrootcert=" + URLEncoder.encode(caCertificate.toString(), StandardCharsets.UTF_8);
    }

    /** The server's certificate, PEM: PostgreSQL's {@code ssl_cert_file}. */
    public Path serverCertificate() {
        return serverCertificate;
    }

    /** The server's private key, unencrypted PKCS#8 PEM: PostgreSQL's {@code ssl_key_file}. */
    public Path serverKey() {
        return serverKey;
    }

    /** A PKCS12 store holding the authority's certificate only, for Java clients. */
    public Path trustStore() {
        return trustStore;
    }

    /** A PKCS12 store holding the server's key and its chain, for a Java server such as Kafka. */
    public Path keyStore() {
        return keyStore;
    }

    /** The password of both stores and of the key in {@link #keyStore()}. */
    public String storePassword() {
        return storePassword;
    }

    private void issue(Path dir) throws IOException, GeneralSecurityException {
        String days = "2";
        String serial = "0x" + randomHex(8);
        openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key");
        openssl(
                dir,
                "req",
                "-new",
                "-x509",
                "-config",
                "openssl.cnf",
                "-extensions",
                "ca",
                "-key",
                "ca.key",
                "-subj",
                "/CN=Sagaline test CA",
                "-days",
                days,
                "-out",
                "ca.crt");
        openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "server.key");
        openssl(
                dir,
                "req",
                "-new",
                "-config",
                "openssl.cnf",
                "-key",
                "server.key",
                "-subj",
                "/CN=localhost",
                "-out",
                "server.csr");
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-set_serial",
                serial,
                "-days",
                days,
                "-extfile",
                "openssl.cnf",
                "-extensions",
                "server",
                "-out",
                "server.crt");

        Certificate ca = certificate(caCertificate);
        Certificate server = certificate(serverCertificate);
        char[] password = storePassword.toCharArray();

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("sagaline-test-ca", ca);
        store(trust, trustStore, password);

        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", privateKey(serverKey), password, new Certificate[] {server, ca});
        store(keys, keyStore, password);
    }

    private static Certificate certificate(Path pem) throws IOException, GeneralSecurityException {
        return CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }

    /** Reads what {@code openssl genpkey} writes: an unencrypted PKCS#8 key in PEM. */
    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String base64 = Files.readAllLines(pem, StandardCharsets.US_ASCII).stream()
                .filter(line -> !line.startsWith("-----"))
                .reduce("", String::concat);
        return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static void store(KeyStore keyStore, Path file, char[] password)
            throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, password);
        }
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void openssl(Path dir, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " failed with exit code " + process.exitValue() + ":\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run openssl; TLS tests need it on the PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
