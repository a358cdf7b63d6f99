package dev.renderbank.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitedBodyTest {

    final List<String> events = new ArrayList<>();

    LimitedBody body(int size, long maxBytes, long deadlineNanos) {
        var source = new FilterInputStream(new ByteArrayInputStream(new byte[size])) {
            @Override
            public void close() {
                // a real HTTP body reads everything that is left when closed
                events.add("closed");
            }
        };
        return new LimitedBody(source, maxBytes, deadlineNanos, () -> events.add("aborted"));
    }

    static long inAMinute() {
        return System.nanoTime() + 60_000_000_000L;
    }

    @Test
    void aBodyWithinTheLimitIsReadWholeAndClosedNormally() throws IOException {
        try (LimitedBody in = body(100, 100, inAMinute())) {
            assertThat(in.readAllBytes()).hasSize(100);
        }
        assertThat(events).containsExactly("closed");
    }

    @Test
    void goingPastTheLimitAbortsTheConnectionBeforeAnythingIsClosed() {
        LimitedBody in = body(101, 100, inAMinute());

        assertThatThrownBy(in::readAllBytes).isInstanceOf(LimitedBody.TooLargeException.class);

        assertThat(events).containsExactly("aborted");
    }

    @Test
    void closingAnUnfinishedBodyAbortsFirstSoItIsNotDrained() throws IOException {
        LimitedBody in = body(1000, 5000, inAMinute());
        assertThat(in.readNBytes(10)).hasSize(10);

        in.close();

        assertThat(events).containsExactly("aborted", "closed");
    }

    @Test
    void aDownloadPastItsDeadlineStopsWithARetryableError() {
        LimitedBody in = body(1000, 5000, System.nanoTime() - 1);

        assertThatThrownBy(() -> in.read(new byte[10], 0, 10))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(LimitedBody.TooLargeException.class)
                .hasMessageContaining("longer");
        assertThat(events).containsExactly("aborted");
    }
}
