package io.sagaline.testing;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Spring properties that point a service under test at its test database and the test broker. */
public final class ServiceProperties {

    private ServiceProperties() {}

    /**
     * Registers the service's datasource ({@code database}), Kafka's bootstrap servers and the
     * {@link TestAccounts}.
     */
    public static void connect(DynamicPropertyRegistry registry, TestDatabase database) {
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::user);
        registry.add("spring.datasource.password", database::password);
        registry.add(
                "spring.kafka.bootstrap-servers",
                () -> TestInfrastructure.kafka().bootstrapServers());
        TestAccounts.properties().forEach((name, value) -> registry.add(name, () -> value));
    }
}
