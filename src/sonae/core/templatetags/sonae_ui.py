"""Template helpers for the UI shell: navigation, form widgets with Bootstrap classes, notification badge."""

from __future__ import annotations

from django import forms, template
from django.utils.http import url_has_allowed_host_and_scheme

from sonae.core.navigation import nav_items

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The menu entries of the active organisation's kind, as ``NavItem`` objects."""
    request = context.get("request")
    return nav_items(context.get("org_kind"), request.path if request is not None else "")


def _widget_class(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        base = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        base = "form-select"
    else:
        base = "form-control"
    return base + (" is-invalid" if field.errors else "")


@register.filter
def bs_widget(field: forms.BoundField):
    """The field's widget rendered with Bootstrap's class (and ``is-invalid`` when it has errors).

    Django adds ``aria-describedby`` (help text, errors) and ``aria-invalid`` itself; the partial
    ``partials/field.html`` renders the help text and errors under the ids Django points to.
    """
    widget_attrs = field.field.widget.attrs
    attrs = {"class": f"{widget_attrs.get('class', '')} {_widget_class(field)}".strip()}
    # allauth repeats the label as placeholder; under a visible label it only looks like a pre-filled value.
    if widget_attrs.get("placeholder") and str(widget_attrs["placeholder"]) == str(field.label):
        attrs["placeholder"] = False  # False drops the attribute
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_list(field: forms.BoundField) -> bool:
    """Radio buttons or a list of checkboxes: one ``form-check`` per option (``bs_choices``)."""
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def bs_choices(field: forms.BoundField):
    """The options of a radio or checkbox list, each input with Bootstrap's class (``is-invalid`` on errors) and
    the field's ids, to lay out as ``{{ option.tag }}`` and a label for ``option.id_for_label``."""
    widget = field.field.widget
    attrs = {
        **field.build_widget_attrs({}),
        "class": f"{widget.attrs.get('class', '')} {_widget_class(field)}".strip(),
    }
    if field.auto_id:
        attrs["id"] = field.auto_id
    return [
        forms.boundfield.BoundWidget(widget, option, field.form.renderer)
        for option in widget.subwidgets(field.html_name, field.value(), attrs=attrs)
    ]


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """Unread in-app notifications of the logged-in user (0 when anonymous)."""
    from sonae.core.selectors import notifications_for

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notifications_for(user).filter(read_at__isnull=True).count()


@register.filter
def internal_url(value) -> str:
    """``value`` when it is a link inside this site, else "" (notification links never point elsewhere)."""
    if not value or not url_has_allowed_host_and_scheme(str(value), allowed_hosts=None):
        return ""
    return str(value)


@register.simple_tag(takes_context=True)
def user_memberships(context) -> list:
    """All active memberships of the logged-in user (for the organisation switcher)."""
    from sonae.core.selectors import memberships_for

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(memberships_for(user))


@register.simple_tag(takes_context=True)
def must_enrol_totp(context) -> bool:
    """True while the user belongs to an agency, insurer or desk and has not enrolled a TOTP device yet."""
    from sonae.core.middleware import totp_pending

    request = context.get("request")
    return request is not None and totp_pending(request)


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """``{% url %}`` for a page of an app that may not be installed: "" instead of an error when it does not exist
    (the case page's tabs contributed by other apps)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def page_query(context) -> str:
    """The request's query string without ``page``: a list's filters, kept across its pages (``partials/pager``)."""
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
