"""Django admin: organisations, users, memberships and tokens — for administrators only.

Case content (people, referrals, decisions) is deliberately not registered: administrators
manage who may do what, not what is in the cases (design.md).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from palermo.accounts.models import ApiToken, Membership, Organisation, User
from palermo.accounts.roles import ADMINISTRATOR
from palermo.core.audit import audit_record
from palermo.core.models import AuditEvent


def _is_palermo_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_role(ADMINISTRATOR)


admin.site.has_permission = _is_palermo_admin
admin.site.site_header = "Palermo administration"
admin.site.site_title = "Palermo administration"


class MembershipInline(admin.TabularInline):
    """Roles of a user. Separation of duties: an administrator cannot give themselves a role
    (a role opens case content); another administrator must. Every change is audited."""

    model = Membership
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        base = super().get_formset(request, obj, **kwargs)

        class SeparationOfDuties(base):
            def clean(self):
                super().clean()
                if obj is None or obj.pk != request.user.pk:
                    return
                for form in self.forms:
                    if form.cleaned_data and form.has_changed() and not form.cleaned_data.get("DELETE"):
                        raise ValidationError("You cannot give yourself a role. Ask another administrator.")

        return SeparationOfDuties


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    # simple_history's own list has an inline style, which the Content-Security-Policy refuses.
    object_history_list_template = "accounts/admin/object_history_list.html"
    list_display = ("name", "code", "kind", "nation", "is_designated_first_responder", "disabled_on")
    list_filter = ("kind", "nation", "is_designated_first_responder")
    search_fields = ("name", "code")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff")

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Membership and formset.has_changed():
            audit_record(actor=request.user, action="membership.change", obj=form.instance,
                         detail={"memberships": list(form.instance.memberships.values_list("organisation__code", "role"))})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="user.change" if change else "user.create", obj=obj,
                     detail={"fields": sorted(form.changed_data)})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at")
    fields = ("user", "prefix", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # tokens are issued with `palermo createtoken`, shown once


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "action", "object_type", "object_id", "seq")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
