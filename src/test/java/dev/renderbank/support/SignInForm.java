package dev.renderbank.support;

import com.microsoft.playwright.Page;

/**
 * The sign-in form as a person uses it, for every browser test: the one place that knows its fields
 * and button. Where the form is opened stays with each test (the sign-in page, or a page that sent
 * the browser there and returns to it afterwards).
 */
public final class SignInForm {

    private SignInForm() {}

    /** Opens the sign-in page of the server on {@code port} and signs in. */
    public static void signIn(Page page, int port, String email, String password) {
        page.navigate("http://localhost:" + port + "/login");
        submit(page, email, password);
    }

    /** Fills in and sends the sign-in form the page shows. */
    public static void submit(Page page, String email, String password) {
        page.fill("#username", email);
        page.fill("#password", password);
        page.click("button[type=submit]");
    }
}
