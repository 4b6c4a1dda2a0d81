"""The web interface's pages (namespace ``web``)."""

from django.urls import path

from palermo.web.views import auth, cases, dashboard, dtn, referral, reviews, two_factor

app_name = "web"

urlpatterns = [
    path("", auth.home, name="home"),
    path("sign-in/", auth.SignInView.as_view(), name="sign_in"),
    path("sign-in/code/", two_factor.sign_in_code, name="sign_in_code"),
    path("sign-in/recovery-code/", two_factor.sign_in_recovery, name="sign_in_recovery"),
    path("two-factor/", two_factor.two_factor_page, name="two_factor"),
    path("two-factor/set-up/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("sign-out/", auth.sign_out, name="sign_out"),
    path("accessibility/", auth.accessibility, name="accessibility"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<int:case_id>/decision/", cases.decision_create, name="decision_create"),
    path("cases/<int:case_id>/withdraw/", cases.case_withdraw, name="case_withdraw"),
    path("cases/<int:case_id>/elements/", cases.case_elements, name="case_elements"),
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:decision_id>/", reviews.review_detail, name="review_detail"),
    path("duty-to-notify/", dtn.dtn_list, name="dtn_list"),
    path("refer/", referral.start, name="refer_start"),
    path("refer/check-your-answers/", referral.check, name="refer_check"),
    path("refer/confirmation/", referral.confirmation, name="refer_confirmation"),
    path("refer/drafts/<int:draft_id>/", referral.draft, name="refer_draft"),
    path("refer/<slug:slug>/", referral.step, name="refer_step"),
]
