package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.ModelAndView;

/** Text a page's form sent that PostgreSQL cannot store gets the HTML error page; the API keeps its problem+json. */
class PageInputRefusalsTest {

    final PageInputRefusals refusals = new PageInputRefusals();
    final Exception nul = new DataIntegrityViolationException(
            "insert", new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));

    @Test
    void aPageGetsTheErrorPageWithA400SayingWhatToFix() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        ModelAndView page = refusals.resolveException(
                new MockHttpServletRequest("POST", "/admin/users/1/grant"), response, null, nul);
        assertThat(page).isNotNull();
        assertThat(page.getViewName()).isEqualTo("error");
        assertThat(page.getModel()).containsEntry("status", 400).containsEntry("refusal", PageInputRefusals.REFUSAL);
        assertThat(response.getStatus()).isEqualTo(400);
    }

    @Test
    void theApiAndOtherFailuresAreLeftToTheApiHandler() {
        assertThat(refusals.resolveException(
                        new MockHttpServletRequest("POST", "/api/v1/webhook-endpoints"),
                        new MockHttpServletResponse(),
                        null,
                        nul))
                .isNull();
        assertThat(refusals.resolveException(
                        new MockHttpServletRequest("POST", "/signup"),
                        new MockHttpServletResponse(),
                        null,
                        new DataIntegrityViolationException("dup", new SQLException("duplicate", "23505"))))
                .isNull();
    }
}
