package dev.renderbank.identity;

import java.util.Collection;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The authenticated principal, whether it came from the login form or an API token; controllers
 * take it with {@code @AuthenticationPrincipal CurrentUser user}.
 */
public final class CurrentUser implements UserDetails {

    private final long id;
    private final String email;
    private final Role role;
    private final boolean enabled;
    private transient String passwordHash;

    /** Built by identity's store from a user row; other modules receive it from Spring Security. */
    public CurrentUser(long id, String email, Role role, boolean enabled, String passwordHash) {
        this.id = id;
        this.email = email;
        this.role = role;
        this.enabled = enabled;
        this.passwordHash = passwordHash;
    }

    public long id() {
        return id;
    }

    public String email() {
        return email;
    }

    public Role role() {
        return role;
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return role == Role.ADMIN
                ? List.of(new SimpleGrantedAuthority("ROLE_USER"), new SimpleGrantedAuthority("ROLE_ADMIN"))
                : List.of(new SimpleGrantedAuthority("ROLE_USER"));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return email;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public String toString() {
        return "CurrentUser[" + id + ", " + role + "]";
    }
}
