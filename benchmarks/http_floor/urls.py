"""Palermo's URLs plus the floor: the least a Django JSON endpoint does for the same request,
through the same middleware and server, without Palermo's authentication, scope, presenters,
encryption or audit.

* ``GET /bench/floor/cases`` — 50 cases' first-class columns as JSON (one query, no joins beyond
  the referral, nothing decrypted).
* ``POST /bench/floor/referrals`` — parse the JSON body and insert one bare referral row (no
  validation, person, case, encryption, history, signals or audit), answer 201 with its id.
"""

import json
import uuid

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from palermo.urls import urlpatterns as palermo_urlpatterns

FIELDS = ("pk", "status", "rg_due", "cg_earliest", "referral__reference", "referral__received_on",
          "referral__nation", "competent_authority_id")


def floor_cases(request):
    from palermo.nrm.models import Case

    rows = list(Case.objects.values(*FIELDS).order_by("pk")[:50])
    return JsonResponse({"count": len(rows), "items": rows})


@csrf_exempt
def floor_referral(request):
    from palermo.accounts.models import Organisation, User
    from palermo.nrm.models import Referral

    body = json.loads(request.body)
    org_id = Organisation.objects.values_list("pk", flat=True).get(code="MET")
    officer_id = User.objects.values_list("pk", flat=True).get(username="responder")
    # bulk_create: the row alone, without the signals (history, linkage) a save sends
    (ref,) = Referral.objects.bulk_create([Referral(
        reference=f"F-{uuid.uuid4().hex[:16]}", first_responder_org_id=org_id, officer_id=officer_id,
        received_on=body["received_on"], nation=body["nation"], under_18=body["under_18"], consent=body["consent"])])
    return JsonResponse({"id": ref.pk}, status=201)


urlpatterns = [
    path("bench/floor/cases", floor_cases),
    path("bench/floor/referrals", floor_referral),
    *palermo_urlpatterns,
]
