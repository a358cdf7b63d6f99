package dev.renderbank.platform;

import java.io.IOException;
import org.apache.catalina.Context;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Requests Tomcat refuses before Spring sees them (an encoded slash or a malformed escape in the
 * path, a header section over the limit) are answered by the host's error report valve, which
 * writes an HTML page naming Tomcat. This replaces that valve with one that writes the same
 * problem+json as every other refusal, so a client gets one error format whatever refused it.
 * Runs after Boot's own customizer (which installs its valve) so the replacement is the last word.
 */
@Component
class TomcatProblems implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addContextCustomizers(TomcatProblems::replaceErrorReportValve);
    }

    private static void replaceErrorReportValve(Context context) {
        var pipeline = context.getParent().getPipeline();
        for (Valve valve : pipeline.getValves()) {
            if (valve instanceof ErrorReportValve) {
                pipeline.removeValve(valve);
            }
        }
        pipeline.addValve(new ProblemValve());
        if (context.getParent() instanceof StandardHost host) {
            // otherwise the host adds a stock valve of its own at start, behind this one
            host.setErrorReportValveClass(ProblemValve.class.getName());
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Reports errors Tomcat raised itself (nothing written yet) as problem+json. */
    public static final class ProblemValve extends ErrorReportValve {

        public ProblemValve() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int code = response.getStatus();
            if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            HttpStatus status = HttpStatus.resolve(code);
            String title = status != null ? status.getReasonPhrase() : "Error";
            String detail = code >= 500
                    ? "Something went wrong on our side"
                    : "The request could not be read: check its path, query string and headers";
            try {
                response.resetBuffer();
                Problems.write(
                        response, status != null ? status : HttpStatus.BAD_REQUEST, "http-" + code, title, detail);
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response was committed meanwhile: nothing more to say
            }
        }
    }
}
