package dev.renderbank.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.KieCallbackVerifier.Outcome;
import dev.renderbank.provider.internal.ProviderProperties;
import dev.renderbank.support.SettableClock;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KieCallbackVerifierTest {

    private static final String KEY = "kie-webhook-hmac-key";

    private final SettableClock clock = new SettableClock();
    private final KieCallbackVerifier verifier = verifierWithKey(KEY);

    private KieCallbackVerifier verifierWithKey(String key) {
        return new KieCallbackVerifier(
                new ProviderProperties(
                        new ProviderProperties.Kie(
                                URI.create("https://api.kie.ai"),
                                null,
                                key,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(30),
                                null,
                                Duration.ofMinutes(10)),
                        new ProviderProperties.Balance(
                                Duration.ofMinutes(5),
                                2000,
                                Duration.ofMinutes(1),
                                1000,
                                null,
                                Duration.ofMinutes(30))),
                clock);
    }

    private String now() {
        return Long.toString(clock.instant().getEpochSecond());
    }

    @Test
    void aSignatureMadeWithTheKeyOverTaskIdAndTimestampIsValid() throws Exception {
        String ts = now();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY.getBytes(), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(("task-1." + ts).getBytes()));

        assertThat(KieCallbackVerifier.signature(KEY, "task-1", ts)).isEqualTo(expected);
        assertThat(verifier.verify("task-1", ts, expected)).isEqualTo(Outcome.VALID);
    }

    @Test
    void millisecondTimestampsAreAcceptedToo() {
        String ts = Long.toString(clock.instant().toEpochMilli());
        assertThat(verifier.verify("task-1", ts, KieCallbackVerifier.signature(KEY, "task-1", ts)))
                .isEqualTo(Outcome.VALID);
    }

    @Test
    void aWrongKeyAnotherTaskOrGarbageIsInvalid() {
        String ts = now();
        assertThat(verifier.verify("task-1", ts, KieCallbackVerifier.signature("other-key", "task-1", ts)))
                .isEqualTo(Outcome.INVALID);
        assertThat(verifier.verify("task-2", ts, KieCallbackVerifier.signature(KEY, "task-1", ts)))
                .isEqualTo(Outcome.INVALID);
        assertThat(verifier.verify("task-1", ts, "not base64 !!")).isEqualTo(Outcome.INVALID);
        assertThat(verifier.verify("task-1", ts, null)).isEqualTo(Outcome.INVALID);
        assertThat(verifier.verify("task-1", null, KieCallbackVerifier.signature(KEY, "task-1", ts)))
                .isEqualTo(Outcome.INVALID);
        assertThat(verifier.verify("task-1", "yesterday", "abc")).isEqualTo(Outcome.INVALID);
    }

    @Test
    void aSignatureOlderOrNewerThanTheToleranceIsInvalid() {
        String ts = now();
        String signature = KieCallbackVerifier.signature(KEY, "task-1", ts);

        clock.advance(Duration.ofMinutes(4));
        assertThat(verifier.verify("task-1", ts, signature)).isEqualTo(Outcome.VALID);
        clock.advance(Duration.ofMinutes(2));
        assertThat(verifier.verify("task-1", ts, signature)).isEqualTo(Outcome.INVALID);

        clock.reset();
        String future =
                Long.toString(clock.instant().plus(Duration.ofMinutes(6)).getEpochSecond());
        assertThat(verifier.verify("task-1", future, KieCallbackVerifier.signature(KEY, "task-1", future)))
                .isEqualTo(Outcome.INVALID);
    }

    @Test
    void withoutAKeyNothingIsVerified() {
        KieCallbackVerifier unconfigured = verifierWithKey(null);
        assertThat(unconfigured.configured()).isFalse();
        assertThat(unconfigured.verify("task-1", now(), "whatever")).isEqualTo(Outcome.NOT_CONFIGURED);
    }
}
