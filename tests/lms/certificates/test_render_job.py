"""With a worker queue, a certificate's PDF is rendered by the job ``certificates.render``."""

from sqlalchemy import select

from lms.certificates import services
from lms.certificates.models import CertificateDocument
from lms.extensions import db
from lms.jobs.queue import rq_queue
from tests.fixtures.services import run_worker
from tests.lms.certificates.conftest import COMPLETED, NOW


def document(certificate_id: int) -> CertificateDocument | None:
    return db.session.scalar(select(CertificateDocument).where(
        CertificateDocument.certificate_id == certificate_id))


def test_issue_enqueues_rendering_and_downloads_serve_the_rendered_pdf(
        app, client, auth, learner, emobility, redis_site, monkeypatch):
    monkeypatch.setitem(app.config, "ATLAS_CERTIFICATE_RENDER_AHEAD", True)
    certificate = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    db.session.commit()
    assert rq_queue(app).count == 1 and document(certificate.id) is None
    run_worker(app)
    stored = document(certificate.id)
    assert stored is not None and stored.pdf.startswith(b"%PDF")
    auth.login(learner.email)
    response = client.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200 and response.get_data() == stored.pdf


def test_new_signature_image_drops_rendered_pdfs(app, learner, emobility, monkeypatch):
    from lms.certificates.trainer_signatures import save_trainer_signature
    from tests.factories import make_user
    from tests.fixtures.courses import tiny_png

    monkeypatch.setitem(app.config, "ATLAS_CERTIFICATE_RENDER_AHEAD", True)
    certificate = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    db.session.commit()  # no Redis: the job ran inline after the commit
    assert document(certificate.id) is not None
    trainer = make_user(is_trainer=True)
    certificate.trainer_id = trainer.id
    save_trainer_signature(trainer, tiny_png(), NOW)
    db.session.commit()
    assert document(certificate.id) is None


def test_without_a_queue_nothing_is_rendered_ahead(app, learner, emobility):
    certificate = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    db.session.commit()
    assert document(certificate.id) is None
