package io.sagaline.payment.internal;

import io.sagaline.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Opening, inspecting and freezing accounts: the setup and inspection side of the service. */
@Service
class Accounts {

    private final AccountRepository accounts;
    private final HoldRepository holds;
    private final Clock clock;

    Accounts(AccountRepository accounts, HoldRepository holds, Clock clock) {
        this.accounts = accounts;
        this.holds = holds;
        this.clock = clock;
    }

    /** @throws AccountExists if the customer has an account already */
    @Transactional
    AccountView open(Account account) {
        if (!accounts.insert(account, clock.instant())) {
            throw new AccountExists(account.customerId());
        }
        return view(account.customerId());
    }

    /** Opens the account unless it exists; returns whether it did. */
    @Transactional
    boolean openIfAbsent(Account account) {
        return accounts.insert(account, clock.instant());
    }

    /** @throws AccountNotFound if there is no such account */
    @Transactional(readOnly = true)
    AccountView view(String customerId) {
        Account account = accounts.find(customerId).orElseThrow(() -> new AccountNotFound(customerId));
        Instant now = clock.instant();
        AccountRepository.Exposure exposure = accounts.exposure(customerId, now);
        List<AccountView.HoldView> holdViews = holds.holdsOf(customerId).stream()
                .map(hold -> new AccountView.HoldView(
                        hold.orderId(), hold.authorizationId(), hold.amount(), hold.statusAt(now), hold.expiresAt()))
                .toList();
        return new AccountView(
                account.customerId(),
                account.currency(),
                account.creditLimit(),
                exposure.held(),
                exposure.charged(),
                exposure.availableOf(account),
                account.status(),
                holdViews);
    }

    /** Freezing twice is harmless: the second finds it frozen and changes nothing. */
    @Transactional
    AccountView freeze(String customerId) {
        accounts.lock(customerId).orElseThrow(() -> new AccountNotFound(customerId));
        accounts.changeStatus(customerId, Account.Status.ACTIVE, Account.Status.FROZEN);
        return view(customerId);
    }

    static final class AccountExists extends ApiException {

        AccountExists(String customerId) {
            super(HttpStatus.CONFLICT, "Account exists", "customer " + customerId + " already has an account");
        }
    }

    static final class AccountNotFound extends ApiException {

        AccountNotFound(String customerId) {
            super(HttpStatus.NOT_FOUND, "Account not found", "no account for customer " + customerId);
        }
    }
}
