from django.conf import settings


def sonae(request):
    membership = getattr(request, "membership", None)
    membership = membership if membership else None
    return {
        "active_membership": membership,
        "active_org": membership.organisation if membership else None,
        "org_kind": membership.organisation.kind if membership else None,
        "desk_phone": settings.SONAE_DESK_PHONE,
    }
