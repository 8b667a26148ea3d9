package io.sagaline.payment.internal;

import io.sagaline.web.InvalidField;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
@RequestMapping("/api/accounts")
class AccountController {

    private final Accounts accounts;

    AccountController(Accounts accounts) {
        this.accounts = accounts;
    }

    @PostMapping
    ResponseEntity<AccountView> open(@Valid @RequestBody OpenAccount request) {
        if (!request.isKnownCurrency()) {
            throw new InvalidField("currency", "must be an ISO 4217 currency code");
        }
        AccountView opened = accounts.open(request.toAccount());
        URI location = UriComponentsBuilder.fromPath("/api/accounts/{customerId}")
                .buildAndExpand(opened.customerId())
                .encode()
                .toUri();
        return ResponseEntity.created(location).body(opened);
    }

    @GetMapping("/{customerId}")
    AccountView view(@PathVariable String customerId) {
        return accounts.view(customerId);
    }

    @PostMapping("/{customerId}/freeze")
    AccountView freeze(@PathVariable String customerId) {
        return accounts.freeze(customerId);
    }
}
