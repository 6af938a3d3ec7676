"""URLs of the stand-in, included at /standin/ by portal/urls.py.

Two namespaces: "standin" for the stand-in's own pages and "oauth2_provider" for
DOT, which reverses its own URL names under that namespace (discovery, issuer).
Only DOT's OAuth/OIDC endpoints are published, not its application management.
"""

from django.urls import include, path, register_converter
from oauth2_provider import urls as dot_urls

from core.converters import KBONumberConverter
from standin import views

register_converter(KBONumberConverter, "kbo")

# The stand-in's authorize view comes first so that it wins, under DOT's own name.
op_patterns = [
    path("authorize/", views.StandinAuthorizationView.as_view(), name="authorize"),
    *(
        pattern
        for pattern in dot_urls.base_urlpatterns + dot_urls.oidc_urlpatterns
        if pattern.name != "authorize" and not pattern.name.startswith("device")
    ),
]

person = "idm/<kbo:kbo>/personen/<uuid:person>/"
standin_patterns = [
    path("", views.StartView.as_view(), name="home"),
    path("aanmelden/", views.SignInChoiceView.as_view(), name="sign-in"),
    path("aanmelden/<str:method>/", views.SignInCheckView.as_view(), name="sign-in-check"),
    path("afmelden/", views.SignOutView.as_view(), name="sign-out"),
    path("idm/", views.IdmHomeView.as_view(), name="idm-home"),
    path(
        "idm/<kbo:kbo>/lokale-beheerder/",
        views.AppointAdministratorView.as_view(),
        name="idm-appoint",
    ),
    path("idm/<kbo:kbo>/", views.OrganisationView.as_view(), name="idm-organisation"),
    path(
        "idm/<kbo:kbo>/historiek/",
        views.OrganisationHistoryView.as_view(),
        name="idm-organisation-history",
    ),
    path(
        "idm/<kbo:kbo>/gebruiker-toevoegen/",
        views.AddUserStep1View.as_view(),
        name="idm-add-user",
    ),
    path(
        "idm/<kbo:kbo>/gebruiker-toevoegen/details/",
        views.AddUserStep2View.as_view(),
        name="idm-add-user-2",
    ),
    path(
        "idm/<kbo:kbo>/gebruiker-toevoegen/werkrelatie/",
        views.AddUserStep3View.as_view(),
        name="idm-add-user-3",
    ),
    path(person, views.PersonView.as_view(), name="idm-person"),
    path(f"{person}historiek/", views.PersonHistoryView.as_view(), name="idm-person-history"),
    path(
        f"{person}werkrelatie/bewerken/",
        views.WorkRelationshipUpdateView.as_view(),
        name="idm-relationship-update",
    ),
    path(
        f"{person}werkrelatie/verlengen/",
        views.WorkRelationshipExtendView.as_view(),
        name="idm-relationship-extend",
    ),
    path(
        f"{person}werkrelatie/pauzeren/",
        views.WorkRelationshipPauseView.as_view(),
        name="idm-relationship-pause",
    ),
    path(
        f"{person}werkrelatie/verwijderen/",
        views.WorkRelationshipRemoveView.as_view(),
        name="idm-relationship-remove",
    ),
    path(
        f"{person}rechten/toekennen/", views.UserRightCreateView.as_view(), name="idm-right-create"
    ),
    path(
        f"{person}rechten/<int:pk>/bewerken/",
        views.UserRightUpdateView.as_view(),
        name="idm-right-update",
    ),
    path(
        f"{person}rechten/<int:pk>/pauzeren/",
        views.UserRightPauseView.as_view(),
        name="idm-right-pause",
    ),
    path(
        f"{person}rechten/<int:pk>/verwijderen/",
        views.UserRightRemoveView.as_view(),
        name="idm-right-remove",
    ),
]

urlpatterns = [
    path("op/", include((op_patterns, "oauth2_provider"))),
    path("", include((standin_patterns, "standin"))),
]
