"""Django admin: organisations, users, memberships, role requests and tokens — for administrators.

Case content (people, referrals, decisions) is deliberately not registered: administrators
manage who may do what, not what is in the cases (design.md).

Every change made here is an audit event (``AuditedAdmin``): Django's admin calls
``log_addition``, ``log_change`` and ``log_deletions`` for every addition, change (the password
page included) and deletion on every model, so hooking those covers them all. Events name the
changed fields, never their values.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from palermo.accounts import grants
from palermo.accounts.models import ApiToken, Membership, Organisation, RoleGrantRequest, TotpDevice, User
from palermo.accounts.roles import ROLE_LABELS, ROLES_NEEDING_SECOND_ADMINISTRATOR
from palermo.accounts.tokens import api_token_revoke
from palermo.accounts.two_factor import two_factor_reset
from palermo.core.audit import audit_record
from palermo.core.exceptions import PalermoError, ValidationFailed
from palermo.core.models import AuditEvent

AUDIT_NAMES = {User: "user", Membership: "membership", Organisation: "organisation", ApiToken: "api_token",
               RoleGrantRequest: "role_grant", AuditEvent: "audit_event"}


def _audit_name(model) -> str:
    return AUDIT_NAMES.get(model, model._meta.model_name)


def _object_detail(obj) -> dict:
    """Ids and codes that identify a row even after it is deleted (a membership: whose, where,
    which role)."""
    if isinstance(obj, Membership):
        return {"user_id": obj.user_id, "organisation_id": obj.organisation_id, "role": obj.role}
    return {}


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit event, in the admin's transaction, for every addition, change and
    deletion — of the object and of the rows of its inlines — and for a password set on the
    user's password page (``user.password_set``)."""

    def construct_change_message(self, request, form, formsets, add=False):
        request._palermo_admin_forms = (form, formsets or [])
        return super().construct_change_message(request, form, formsets, add)

    def _changes(self, request):
        return getattr(request, "_palermo_admin_forms", (None, []))

    def _audit_inlines(self, request, formsets) -> None:
        for formset in formsets:
            name = _audit_name(formset.model)
            for obj in formset.new_objects:
                audit_record(actor=request.user, action=f"{name}.create", obj=obj, detail=_object_detail(obj))
            for obj, fields in formset.changed_objects:
                audit_record(actor=request.user, action=f"{name}.change", obj=obj,
                             detail={**_object_detail(obj), "fields": sorted(fields)})
            for obj in formset.deleted_objects:
                audit_record(actor=request.user, action=f"{name}.delete", object_type=obj._meta.label_lower,
                             detail=_object_detail(obj))

    def log_addition(self, request, obj, message):
        form, formsets = self._changes(request)
        fields = sorted(form.changed_data) if form is not None else []
        audit_record(actor=request.user, action=f"{_audit_name(type(obj))}.create", obj=obj,
                     detail={**_object_detail(obj), "fields": fields})
        self._audit_inlines(request, formsets)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        form, formsets = self._changes(request)
        if isinstance(form, AdminPasswordChangeForm):
            audit_record(actor=request.user, action="user.password_set", obj=obj,
                         detail={"usable": obj.has_usable_password()})
        else:
            fields = sorted(form.changed_data) if form is not None else []
            audit_record(actor=request.user, action=f"{_audit_name(type(obj))}.change", obj=obj,
                         detail={**_object_detail(obj), "fields": fields})
            self._audit_inlines(request, formsets)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action=f"{_audit_name(type(obj))}.delete", obj=obj,
                         detail=_object_detail(obj))
        return super().log_deletions(request, queryset)

    def response_action(self, request, queryset):
        """Actions (a bulk delete among them) run in one transaction with their audit events."""
        with transaction.atomic():
            return super().response_action(request, queryset)


class MembershipInline(admin.TabularInline):
    """Roles of a user. Separation of duties: an administrator cannot give themselves a role, and
    a role that opens case content (or the administrator role) is not given here at all: it is
    requested under "Role requests" and a second administrator approves it. Removing a role
    needs one administrator. Every change is audited (``AuditedAdmin``)."""

    model = Membership
    extra = 0
    verbose_name = "role"
    verbose_name_plural = "roles (analyst and monitor here; other roles need a role request)"

    def get_formset(self, request, obj=None, **kwargs):
        base = super().get_formset(request, obj, **kwargs)

        class SeparationOfDuties(base):
            def clean(self):
                super().clean()
                for form in self.forms:
                    if not (form.cleaned_data and form.has_changed() and not form.cleaned_data.get("DELETE")):
                        continue
                    if obj is not None and obj.pk == request.user.pk:
                        raise ValidationError("You cannot give yourself a role. Ask another administrator.")
                    role = form.cleaned_data.get("role")
                    if role in ROLES_NEEDING_SECOND_ADMINISTRATOR:
                        raise ValidationError(
                            f"{ROLE_LABELS[role]} needs a second administrator. Add a role request instead "
                            "(Accounts → Role requests): a different administrator approves it.")

        return SeparationOfDuties


# What a user may do comes from their roles (memberships), never from Django's groups or
# permissions: those are not offered, so nothing can be granted past the four-eyes rule.
admin.site.unregister(Group)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin, SimpleHistoryAdmin):
    # simple_history's own list has an inline style, which the Content-Security-Policy refuses.
    object_history_list_template = "accounts/admin/object_history_list.html"
    list_display = ("name", "code", "kind", "nation", "is_designated_first_responder", "disabled_on")
    list_filter = ("kind", "nation", "is_designated_first_responder")
    search_fields = ("name", "code")


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "two_factor")
    list_filter = ("is_staff", "is_superuser", "is_active")
    actions = ["reset_two_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser"),
                    "description": "Roles below decide what the user may do; staff status and the "
                                   "administrator role together open this admin area."}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(boolean=True, description="Two-factor authentication")
    def two_factor(self, obj):
        return TotpDevice.objects.filter(user=obj, confirmed=True).exists()

    @admin.action(description="Reset two-factor authentication (they set it up again at their next sign-in)")
    def reset_two_factor(self, request, queryset):
        """Only an administrator of another organisation, never for themselves (``two_factor``)."""
        for user in queryset:
            try:
                two_factor_reset(actor=request.user, user=user)
            except PalermoError as exc:
                self.message_user(request, f"Two-factor authentication not reset for {user.username}. {exc.message}",
                                  messages.ERROR)
            else:
                self.message_user(request, f"Two-factor authentication reset for {user.username}: they set it up "
                                  "again at their next sign-in.", messages.SUCCESS)

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        """Django's password page (the password rules apply; ``user.password_set`` is audited by
        ``log_change``), in one transaction with its audit event."""
        return super().user_change_password(request, id, form_url)


@admin.register(RoleGrantRequest)
class RoleGrantRequestAdmin(AuditedAdmin):
    """Four eyes for roles that open case content: add a request here; a different administrator
    selects it in the list and chooses "Approve" (the role is given) or "Refuse"."""

    list_display = ("user", "role", "organisation", "state", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("state", "role")
    fields = ("user", "organisation", "role", "state", "requested_by", "requested_at", "decided_by", "decided_at")
    actions = ["approve", "refuse"]

    def get_readonly_fields(self, request, obj=None):
        decided = ("state", "requested_by", "requested_at", "decided_by", "decided_at")
        return decided if obj is None else ("user", "organisation", "role", *decided)

    def get_fields(self, request, obj=None):
        return ("user", "organisation", "role") if obj is None else self.fields

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who asked and who agreed stays

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RequestForm(form):
            def _post_clean(self):
                super()._post_clean()
                if obj is None and not self.errors:
                    try:
                        grants.role_grant_request_check(actor=request.user, grant=self.instance)
                    except ValidationFailed as exc:
                        self.add_error("role" if "role" in exc.fields else None, exc.message)
                    except PalermoError as exc:
                        self.add_error(None, exc.message)

        return RequestForm

    def save_model(self, request, obj, form, change):
        if not change:
            grants.role_grant_request(actor=request.user, grant=obj)

    def log_addition(self, request, obj, message):
        # role_grant_request audited the request itself (role_grant.request); keep Django's log only.
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def _decide(self, request, queryset, service, done: str):
        for grant in queryset:
            try:
                service(actor=request.user, grant=grant)
            except PalermoError as exc:
                self.message_user(request, f"{grant}: {exc.message}", messages.ERROR)
            except ValidationError as exc:
                self.message_user(request, f"{grant}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{grant.get_role_display()} for {grant.user}: {done}.", messages.SUCCESS)

    @admin.action(description=_("Approve selected role requests (the role is given)"))
    def approve(self, request, queryset):
        self._decide(request, queryset, grants.role_grant_approve, "approved, the role is given")

    @admin.action(description=_("Refuse selected role requests"))
    def refuse(self, request, queryset):
        self._decide(request, queryset, grants.role_grant_refuse, "refused")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are issued with ``palermo createtoken`` (shown once) and only revoked here: every
    field is read-only, so a revoked token can never be made valid again."""

    list_display = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    readonly_fields = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
    fields = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record of the token stays

    @admin.action(description="Revoke selected tokens (cannot be undone)")
    def revoke(self, request, queryset):
        revoked = sum(api_token_revoke(actor=request.user, token=token) for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdmin):
    list_display = ("occurred_at", "actor_label", "action", "object_type", "object_id", "seq")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
