package io.sagaline.payment.internal;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** The demo's customers, opened on every start under the {@code demo} profile unless they exist. */
@Component
@Profile("demo")
class DemoAccounts implements ApplicationRunner {

    static final List<Account> ACCOUNTS = List.of(
            new Account("alice", "EUR", 100_000_000L, Account.Status.ACTIVE),
            new Account("bob", "EUR", 0L, Account.Status.ACTIVE),
            new Account("carol", "EUR", 100_000_000L, Account.Status.FROZEN));

    private static final Logger log = LoggerFactory.getLogger(DemoAccounts.class);

    private final Accounts accounts;

    DemoAccounts(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Account account : ACCOUNTS) {
            if (accounts.openIfAbsent(account)) {
                log.info("Demo account {} opened", account.customerId());
            }
        }
    }
}
