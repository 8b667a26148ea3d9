package io.sagaline.orchestrator.admin;

import io.sagaline.messaging.SagaId;
import io.sagaline.orchestrator.admin.SagaViews.Page;
import io.sagaline.orchestrator.admin.SagaViews.SagaDetail;
import io.sagaline.orchestrator.admin.SagaViews.SagaSummary;
import io.sagaline.orchestrator.runtime.OperatorResult;
import io.sagaline.orchestrator.runtime.Sagas;
import io.sagaline.orchestrator.saga.SagaEvent;
import io.sagaline.orchestrator.saga.SagaStatus;
import io.sagaline.web.ApiException;
import io.sagaline.web.InvalidField;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/sagas}: find sagas, inspect one with its timeline, and act on one. The actions
 * need an authenticated operator; each is recorded in the saga's step log with the operator's
 * name.
 */
@RestController
@RequestMapping(path = "/api/sagas", produces = MediaType.APPLICATION_JSON_VALUE)
class SagaAdminController {

    static final int MAX_PAGE_SIZE = 200;

    private final SagaQueries queries;
    private final Sagas sagas;

    SagaAdminController(SagaQueries queries, Sagas sagas) {
        this.queries = queries;
        this.sagas = sagas;
    }

    /**
     * Sagas newest first.
     *
     * @param status one or more statuses, comma-separated or repeated
     * @param version the definition version the sagas run on
     * @param step the current step's name or index; a member of a parallel group finds the sagas
     *     standing on its group
     * @param stuckFor not final and unchanged for this long: {@code 10m}, {@code 2h} or ISO-8601 ({@code PT10M})
     * @param error text in the last error or the reason
     */
    @GetMapping
    Page<SagaSummary> list(
            @RequestParam(required = false) @Nullable List<SagaStatus> status,
            @RequestParam(required = false) @Nullable String type,
            @RequestParam(required = false) @Nullable @Min(1) Integer version,
            @RequestParam(required = false) @Nullable String step,
            @RequestParam(required = false) @Nullable String stuckFor,
            @RequestParam(required = false) @Nullable String error,
            @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
        var filter = new SagaFilter(
                status == null ? List.of() : status,
                blankToNull(type),
                version,
                blankToNull(step),
                stuckFor == null ? null : duration(stuckFor),
                blankToNull(error));
        return queries.list(filter, page, size);
    }

    @GetMapping("/{sagaId}")
    SagaDetail get(@PathVariable UUID sagaId) {
        return queries.detail(sagaId).orElseThrow(() -> notFound(sagaId));
    }

    /**
     * Sends the current step's command, or the failed compensation, again now; on a parallel
     * group, every member's command that is not answered yet.
     */
    @PostMapping("/{sagaId}/retry")
    SagaDetail retry(@PathVariable UUID sagaId, Principal operator) {
        return act(sagaId, new SagaEvent.OperatorRetry(), operator);
    }

    /** Compensates now; refused with 409 once the saga is past its pivot. */
    @PostMapping(path = "/{sagaId}/abort")
    SagaDetail abort(
            @PathVariable UUID sagaId,
            @RequestBody(required = false) @Valid @Nullable AbortRequest request,
            Principal operator) {
        String reason =
                request == null || request.reason() == null || request.reason().isBlank()
                        ? "no reason given"
                        : request.reason();
        return act(sagaId, new SagaEvent.OperatorAbort(reason), operator);
    }

    /** Marks a saga whose compensation failed as settled by hand; the reason goes into its log. */
    @PostMapping(path = "/{sagaId}/resolve", consumes = MediaType.APPLICATION_JSON_VALUE)
    SagaDetail resolve(@PathVariable UUID sagaId, @RequestBody @Valid ResolveRequest request, Principal operator) {
        return act(sagaId, new SagaEvent.OperatorResolve(request.reason()), operator);
    }

    private SagaDetail act(UUID sagaId, SagaEvent action, Principal operator) {
        OperatorResult result =
                sagas.operate(SagaId.of(sagaId), action, operator.getName()).orElseThrow(() -> notFound(sagaId));
        if (!result.applied()) {
            throw ApiException.conflict("Not allowed in the saga's state", result.refusal());
        }
        return queries.detail(sagaId).orElseThrow(() -> notFound(sagaId));
    }

    private static Duration duration(String text) {
        try {
            Duration parsed = DurationStyle.detectAndParse(text);
            if (parsed.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new InvalidField("stuckFor", "must be a duration such as 10m, 2h or PT10M");
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static ApiException notFound(UUID sagaId) {
        return ApiException.notFound("Saga not found", "no saga " + sagaId);
    }

    record AbortRequest(@Size(max = 1000) @Nullable String reason) {}

    record ResolveRequest(@NotBlank @Size(max = 1000) String reason) {}
}
