package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.TestUsers.TestUser;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A job whose submit answer was lost (state UNKNOWN: the provider may be making it) is, to its owner,
 * still being made: its page says "Processing" with the progress bar, as the API does, and shows no
 * error — least of all the engine's diagnostic of the lost answer (a Java exception's text), which
 * is kept for operators. When the job fails, the page says why and that the credits were released.
 */
class CreationPageWhileUnknownTest extends StubbedKieTest {

    @Test
    void aJobWithALostSubmitAnswerIsShownAsProcessingWithoutTheDiagnostic() throws Exception {
        TestUser u = users.create(100);
        String p = "lost-" + UUID.randomUUID();
        createTaskAnswers(p, aResponse().withFault(Fault.EMPTY_RESPONSE));
        String id = accept(u, p);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        String diagnostic = job(id).errorMessage();
        assertThat(diagnostic).as("the engine's note of the lost answer").isNotBlank();

        BrowserSession owner = BrowserSession.signIn(port, u.email(), "correct horse battery staple");
        HttpResponse<String> page = owner.get("/creations/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Processing")
                .contains("<progress")
                .doesNotContain(diagnostic)
                .doesNotContain("class=\"error\"")
                .doesNotContain("Exception");
        HttpResponse<String> gallery = owner.get("/creations");
        assertThat(gallery.body()).contains(id).doesNotContain(diagnostic).doesNotContain("Exception");

        clock.advance(java.time.Duration.ofMinutes(20));
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        HttpResponse<String> failed = owner.get("/creations/" + id);
        assertThat(failed.body())
                .contains("Failed")
                .contains(job(id).errorMessage())
                .contains("released")
                .doesNotContain(diagnostic);
    }
}
