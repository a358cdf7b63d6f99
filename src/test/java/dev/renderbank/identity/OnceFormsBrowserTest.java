package dev.renderbank.identity;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.BoundingBox;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Forms that can succeed only once, double-clicked in a real browser: the browser sends them once
 * (once-forms.js, forms marked data-once). Sent twice, a sign-up mailed a second, alarming link; a
 * password change checked the old password against the new one ("The current password is not
 * right", a wrong attempt counted); a checkout answered "still being created". Each form is its
 * own: another buy button clicked right after is its own checkout.
 */
class OnceFormsBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TestUsers testUsers;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void aDoubleClickedSignUpIsSentOnce() {
        String email = "dbl-" + UUID.randomUUID() + "@test.local";
        try (var context = browser.newContext()) {
            Page page = context.newPage();
            page.navigate(url("/signup"));
            HeldPosts posts = new HeldPosts(page, "**/signup");
            page.fill("#email", email);
            page.fill("#password", PASSWORD);
            posts.sendTwice("form[action$='/signup'] button[type=submit]");
            assertThat(page.locator("h1")).hasText("Check your inbox");
            assertThat(posts.count).as("sign-ups the browser sent").hasValue(1);
        }
    }

    @Test
    void aDoubleClickedPasswordChangeIsSentOnceAndSaysChanged() {
        TestUsers.TestUser user = testUsers.create(0);
        try (var context = browser.newContext()) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/account/password"));
            HeldPosts posts = new HeldPosts(page, "**/account/password");
            page.fill("#current", PASSWORD);
            page.fill("#password", "seven ravens over the harbour");
            posts.sendTwice("form[action$='/account/password'] button[type=submit]");
            assertThat(page.locator("#changed")).isVisible();
            assertThat(page.locator("#problem")).hasCount(0);
            assertThat(posts.count).as("changes the browser sent").hasValue(1);
        }
    }

    @Test
    void aDoubleClickedBuyButtonOpensOneCheckout() {
        TestUsers.TestUser user = testUsers.create(0);
        try (var context = browser.newContext()) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/buy"));
            HeldPosts posts = new HeldPosts(page, "**/buy");
            posts.sendTwice("#buy-pack-500");
            assertThat(page).hasURL(Pattern.compile(".*/checkout/simulated/.*"));
            assertThat(posts.count).as("checkouts the browser asked for").hasValue(1);
        }
    }

    /**
     * The buy page's forms are sent once each, not once per page: a double click on one product
     * opens one checkout, and a click on another product right after (the first answer not back
     * yet) opens that product's own checkout, not a repeat of the first nor a refusal, and the
     * browser follows the last click. The first post reaches the server before the second click, as
     * on a slow network.
     */
    @Test
    void aDoubleClickOnOneProductThenAClickOnAnotherOpenOneCheckoutEach() {
        TestUsers.TestUser user = testUsers.create(0);
        try (var context = browser.newContext()) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/buy"));
            BoundingBox first = page.locator("#buy-pack-500").boundingBox();
            BoundingBox other = page.locator("#buy-pack-200").boundingBox();
            List<String> sent = new ArrayList<>();
            List<Runnable> answers = new ArrayList<>();
            page.route("**/buy", route -> {
                if (!route.request().method().equals("POST")) {
                    route.resume();
                    return;
                }
                sent.add(route.request().postData().replaceAll(".*product=([a-z0-9-]+).*", "$1"));
                if (sent.size() > 1) {
                    route.resume();
                    return;
                }
                // the server gets it now; its answer reaches the browser only after the other clicks
                APIResponse answer = route.fetch(new Route.FetchOptions().setMaxRedirects(0));
                answers.add(() -> route.fulfill(new Route.FulfillOptions().setResponse(answer)));
            });
            // mouse clicks: a locator would wait for the navigation the first click started
            click(page, first);
            page.waitForCondition(() -> sent.size() == 1);
            click(page, first);
            click(page, other);
            page.waitForCondition(() -> sent.size() == 2);
            answers.forEach(a -> {
                try {
                    a.run();
                } catch (PlaywrightException cancelled) {
                    // the browser had left that navigation for the second click's
                }
            });
            assertThat(page).hasURL(Pattern.compile(".*/checkout/simulated/chk_.*"));
            assertThat(sent).as("forms the browser sent").containsExactly("pack-500", "pack-200");
            assertThat(checkouts(user.id()))
                    .as("one checkout per product clicked")
                    .containsExactlyInAnyOrder("pack-500", "pack-200");
            String last = jdbc.sql("select id from billing_checkout where user_id = :u and product = 'pack-200'")
                    .param("u", user.id())
                    .query(String.class)
                    .single();
            assertThat(page.url()).as("the browser follows the last click").endsWith("/" + last);
        }
    }

    private static void click(Page page, BoundingBox box) {
        page.mouse().click(box.x + box.width / 2, box.y + box.height / 2);
    }

    private List<String> checkouts(long userId) {
        return jdbc.sql("select product from billing_checkout where user_id = :u")
                .param("u", userId)
                .query(String.class)
                .list();
    }

    /**
     * Counts the POSTs the page sends to {@code glob} and holds the first one's answer back until
     * the form was sent a second time, as a person does who clicks again while the page loads.
     */
    private static final class HeldPosts {
        final AtomicInteger count = new AtomicInteger();
        private final Page page;
        private final List<Route> held = new ArrayList<>();

        HeldPosts(Page page, String glob) {
            this.page = page;
            page.route(glob, route -> {
                if (!route.request().method().equals("POST")) {
                    route.resume();
                } else if (count.incrementAndGet() == 1) {
                    held.add(route);
                } else {
                    route.resume();
                }
            });
        }

        /** Clicks {@code button}, then (the first post held) presses Enter on it; lets the posts go. */
        void sendTwice(String button) {
            // not waiting for the page that the held answer would bring
            page.locator(button).click(new Locator.ClickOptions().setNoWaitAfter(true));
            page.waitForCondition(() -> count.get() == 1);
            // the clicked button has the focus: Enter clicks it again (locators would wait for the page)
            page.keyboard().press("Enter");
            held.forEach(Route::resume);
        }
    }
}
