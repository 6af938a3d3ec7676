"""The payments to the provider that the SME ordered from its wallet, recorded by staff."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.models.dossier import Project


class PaymentQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(project__provider_organisation=organisation)

    def for_client(self, organisation):
        return self.filter(project__client=organisation)


class Payment(models.Model):
    """A payment to the provider that the SME ordered from its wallet, recorded by staff.

    The payments of a dossier add up to at most its amount excluding VAT (own
    share plus subsidy): that is what the provider is paid.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="payments", verbose_name=_("dossier")
    )
    amount = models.DecimalField(_("bedrag"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("betaald op"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("geregistreerd door"),
    )
    recorded_at = models.DateTimeField(_("geregistreerd op"), default=timezone.now)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("betaling")
        verbose_name_plural = _("betalingen")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.project}: € {self.amount} ({date_format(self.paid_on, 'd/m/Y')})"
