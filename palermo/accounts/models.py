"""Organisations, users, their memberships (role within an organisation) and API tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, _user_has_perm
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from simple_history.models import HistoricalRecords

from palermo.accounts.roles import ROLE_CHOICES, ROLE_ORG_KINDS
from palermo.core.fields import EncryptedTextField
from palermo.core.instances import columns

ORG_KIND_CHOICES = [
    ("police_force", "Police force"),
    ("border_agency", "Border agency"),
    ("local_authority", "Local authority"),
    ("ngo", "Non-governmental organisation"),
    ("competent_authority", "Competent authority"),
    ("support_provider", "Support provider"),
    ("statistics_unit", "Statistics unit"),
    ("monitor", "Independent monitor"),
]
NATION_CHOICES = [
    ("england", "England"),
    ("wales", "Wales"),
    ("scotland", "Scotland"),
    ("northern_ireland", "Northern Ireland"),
    ("uk", "United Kingdom (all nations)"),
]


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(
        max_length=40, unique=True, help_text="Short stable code, e.g. UKHTC, UKBA, SCA, IECA, MET"
    )
    kind = models.CharField(max_length=32, choices=ORG_KIND_CHOICES)
    nation = models.CharField(max_length=20, choices=NATION_CHOICES, default="uk")
    is_designated_first_responder = models.BooleanField(
        default=False, help_text="May refer into the NRM (police, UKBA, local authorities, designated NGOs)"
    )
    source = models.CharField(max_length=200, blank=True, help_text="Where this organisation is described, e.g. 'seed note §5.2'")
    disabled_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


ADMIN_APPS = {"accounts", "auth", "core"}
CONTENT_APPS = {"nrm", "people", "support", "children", "intelligence", "justice", "linkage", "permits"}


class UserManager(DjangoUserManager):
    """Django's user manager, except that a password is checked against the password rules
    (``AUTH_PASSWORD_VALIDATORS``: length, common passwords, …) wherever a user is created with
    one — ``createsuperuser --noinput`` and its "bypass validation? y" answer included, which
    Django itself lets through."""

    def _create_user_object(self, username, email, password, **extra_fields):
        user = super()._create_user_object(username, email, password, **extra_fields)
        if password is not None:
            validate_password(password, user)
        return user


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships.

    Django lets an active superuser pass every permission check; for case content Palermo
    does not: administrators manage users and organisations and see no case content unless a
    membership gives it (design.md, least privilege).
    """

    objects = UserManager()

    def has_perm(self, perm, obj=None):
        app = perm.split(".", 1)[0]
        if app in CONTENT_APPS:
            return self.is_active and _user_has_perm(self, perm, obj)
        if app in ADMIN_APPS and self._is_administrator():
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        if app_label in CONTENT_APPS:
            return False
        if app_label in ADMIN_APPS and self._is_administrator():
            return True
        return super().has_module_perms(app_label)

    def _is_administrator(self) -> bool:
        from palermo.accounts.roles import ADMINISTRATOR

        return self.is_active and self.is_staff and self.has_role(ADMINISTRATOR)

    def memberships_active(self):
        return self.memberships.filter(organisation__disabled_on__isnull=True)

    def roles_known(self, pairs) -> None:
        """Remember the roles read with the user (``(role, organisation id)`` of each membership
        in an organisation not disabled, as ``memberships_active``), so ``_role_orgs`` need not
        read them again."""
        known: dict[str, set[int]] = {}
        for role, org_id in pairs:
            known.setdefault(role, set()).add(org_id)
        self._palermo_roles = known

    def _role_orgs(self) -> dict[str, set[int]]:
        """Role -> organisation ids, read once per user object (one query per request).
        Setting ``_palermo_roles = None`` forgets it (after a membership changes)."""
        if getattr(self, "_palermo_roles", None) is None:
            self.roles_known(self.memberships_active().values_list("role", "organisation_id"))
        return self._palermo_roles

    def roles(self) -> set[str]:
        if not self.is_active:
            return set()
        return set(self._role_orgs())

    def organisations_for(self, *roles: str) -> list[int]:
        """Ids of the organisations in which the user holds any of ``roles``."""
        if not self.is_active:
            return []
        found: set[int] = set()
        for role in roles:
            found |= self._role_orgs().get(role, set())
        return sorted(found)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))

    def referring_organisations(self) -> list[Organisation]:
        """The designated first responder organisations in which the user is a first responder:
        the only ones they may refer for. Read once per user object, with its roles (the
        permission to refer and the referral's own check ask the same question in one request);
        forgotten with them."""
        from palermo.accounts.roles import FIRST_RESPONDER

        roles = self._role_orgs() if self.is_active else None
        cached = getattr(self, "_palermo_referring", None)
        if cached is None or cached[0] is not roles:
            ids = self.organisations_for(FIRST_RESPONDER)
            orgs = list(Organisation.objects.filter(pk__in=ids, is_designated_first_responder=True)) if ids else []
            cached = self._palermo_referring = (roles, orgs)
        return list(cached[1])


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique")]

    def clean(self):
        allowed = ROLE_ORG_KINDS.get(self.role, set())
        if self.organisation_id and self.organisation.kind not in allowed:
            raise ValidationError(
                {"role": f"A {self.organisation.get_kind_display().lower()} cannot hold the role {self.get_role_display()}"}
            )

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


_FIND_SQL: dict[str, str] = {}


def _find_sql(token, user) -> str:
    """``ApiToken.find``'s query, made once per database vendor: the token and its user's
    columns, then one row per membership in an organisation not disabled
    (``User.memberships_active``): role and organisation, NULLs when there is none."""
    if connection.vendor in _FIND_SQL:
        return _FIND_SQL[connection.vendor]
    qn = connection.ops.quote_name
    tokens, users = qn(ApiToken._meta.db_table), qn(User._meta.db_table)
    memberships, organisations = qn(Membership._meta.db_table), qn(Organisation._meta.db_table)
    sql = _FIND_SQL[connection.vendor] = (
        f"SELECT {token.sql}, {user.sql}, r.role, r.organisation_id FROM {tokens} t "
        f"INNER JOIN {users} u ON u.id = t.user_id "
        f"LEFT OUTER JOIN (SELECT m.user_id, m.role, m.organisation_id FROM {memberships} m "
        f"INNER JOIN {organisations} o ON o.id = m.organisation_id WHERE o.disabled_on IS NULL) r "
        "ON r.user_id = u.id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s"
    )
    return sql


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def issue(cls, user) -> tuple[ApiToken, str]:
        raw = "plm_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, prefix=raw[:12], key_hash=_token_hash(raw)), raw

    @classmethod
    def find(cls, raw: str) -> ApiToken | None:
        """The valid token (not revoked, its user active) whose hash is that of ``raw``, with its
        user, and the user's roles read in the same statement (``User.roles_known``): one
        prepared query on every API request, where the ORM built and compiled two."""
        token, user = columns(cls, "t"), columns(User, "u")
        with connection.cursor() as cur:
            cur.execute(_find_sql(token, user), [_token_hash(raw), True])
            rows = cur.fetchall()
        if not rows:
            return None
        found = token.instance(rows[0])
        found_user = user.instance(rows[0], token.width)
        found_user.roles_known((row[-2], row[-1]) for row in rows if row[-2] is not None)
        cls.user.field.set_cached_value(found, found_user)
        return found

    def save(self, *args, **kwargs):
        """Revocation is one-way: a revoked token can never be made valid again (issue a new one)."""
        if self.pk and self.revoked_at is None:
            if ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=False).exists():
                raise ValidationError("A revoked token cannot be restored. Issue a new token.")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class SignInFailure(models.Model):
    """A failed sign-in, by a keyed hash of the username (not the username itself), so repeated
    guessing can be slowed down without keeping a list of who mistyped what."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"failed sign-in at {self.at:%Y-%m-%d %H:%M}"


class TotpDevice(Device):
    """An authenticator app (RFC 6238 time-based codes: 6 digits, a new one every 30 seconds).

    The shared secret is encrypted at rest like every identifier (a database copy alone gives no
    codes). A code is accepted one step either side of now (clock drift) and never twice: a step
    at or before ``last_t`` is refused, so a code seen over someone's shoulder cannot be replayed.
    ``failure_count`` counts wrong codes since the last right one; at the limit the second factor
    is locked until an administrator resets it (``palermo.accounts.two_factor``).
    """

    STEP, DIGITS, TOLERANCE = 30, 6, 1

    key = EncryptedTextField(help_text="The shared secret, base32 (encrypted at rest)")
    last_t = models.BigIntegerField(default=-1, help_text="Time step of the last code accepted (no replay)")
    failure_count = models.PositiveIntegerField(default=0, help_text="Wrong codes since the last right one")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "authenticator app"

    def totp(self) -> TOTP:
        return TOTP(base64.b32decode(self.key), step=self.STEP, digits=self.DIGITS)

    def verify_token(self, token) -> bool:
        """True if ``token`` is the code for now (± one step) and newer than the last one
        accepted; remembers its step. The caller saves the device, inside its transaction."""
        token = str(token).strip()
        if len(token) != self.DIGITS or not token.isdigit():
            return False
        totp = self.totp()
        if totp.verify(int(token), tolerance=self.TOLERANCE, min_t=self.last_t + 1):
            self.last_t = totp.t()
            return True
        return False


class RecoveryCode(models.Model):
    """A single-use code for signing in without the app (a lost phone). Only a SHA-256 of the
    code is stored: the codes are random (60 bits), so a hash without a salt is enough."""

    device = models.ForeignKey(TotpDevice, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "recovery code (used)" if self.used_at else "recovery code"


class RoleGrantRequest(models.Model):
    """A request by one administrator to give a user a role that needs a second administrator
    (``roles.ROLES_NEEDING_SECOND_ADMINISTRATOR``). A different administrator approves it (the
    membership is then created) or refuses it; nobody requests or approves a role for
    themselves. Both steps are audit events (``palermo.accounts.grants``)."""

    PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
    STATE_CHOICES = [(PENDING, "Waiting for a second administrator"), (APPROVED, "Approved"), (REFUSED, "Refused")]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grant_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    state = models.CharField(max_length=12, choices=STATE_CHOICES, default=PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "role request"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], condition=models.Q(state="pending"),
                                    name="role_grant_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organisation} for {self.user} ({self.get_state_display()})"
