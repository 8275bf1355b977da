// lightbody-render: draws the von Mises field of one load case's .vtu on the deformed body into a
// PNG, off-screen. A separate program because Debian's VTK renders through an X display and
// aborts the process when it cannot open one: the run calls it (under Xvfb on a headless
// machine) and carries on without the picture when it fails.
//
//   lightbody-render IN.vtu OUT.png TITLE
#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkDataSetSurfaceFilter.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>
#include <vtkPointData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnstructuredGrid.h>
#include <vtkWarpVector.h>
#include <vtkWindowToImageFilter.h>
#include <vtkXMLUnstructuredGridReader.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

int main(int argc, char **argv)
{
  if (argc != 4)
    {
      std::fprintf(stderr, "usage: lightbody-render IN.vtu OUT.png TITLE\n");
      return 1;
    }
  vtkNew<vtkXMLUnstructuredGridReader> reader;
  reader->SetFileName(argv[1]);
  reader->Update();
  vtkUnstructuredGrid *grid = reader->GetOutput();
  if (!grid || grid->GetNumberOfPoints() == 0 || !grid->GetPointData()->GetArray("von_mises_MPa") ||
      !grid->GetPointData()->GetArray("displacement_mm"))
    {
      std::fprintf(stderr, "lightbody-render: %s has no von_mises_MPa and displacement_mm\n", argv[1]);
      return 1;
    }

  // Deformation scaled so that the largest displacement shows as 5 % of the body's size.
  double bounds[6];
  grid->GetBounds(bounds);
  const double size = std::max({bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4]});
  double       u_max = grid->GetPointData()->GetArray("displacement_mm")->GetMaxNorm();
  const double scale = u_max > 0 ? 0.05 * size / u_max : 1.0;
  grid->GetPointData()->SetActiveVectors("displacement_mm");
  vtkNew<vtkWarpVector> warp;
  warp->SetInputData(grid);
  warp->SetScaleFactor(scale);

  vtkNew<vtkDataSetSurfaceFilter> surface;
  surface->SetInputConnection(warp->GetOutputPort());
  surface->SetNonlinearSubdivisionLevel(2);

  double range[2];
  grid->GetPointData()->GetArray("von_mises_MPa")->GetRange(range);
  vtkNew<vtkLookupTable> colours;
  colours->SetHueRange(0.667, 0.0); // blue (low) to red (high)
  colours->SetTableRange(range);
  colours->Build();
  vtkNew<vtkPolyDataMapper> mapper;
  mapper->SetInputConnection(surface->GetOutputPort());
  mapper->SetScalarModeToUsePointFieldData();
  mapper->SelectColorArray("von_mises_MPa");
  mapper->SetLookupTable(colours);
  mapper->SetScalarRange(range);
  mapper->ScalarVisibilityOn();
  vtkNew<vtkActor> actor;
  actor->SetMapper(mapper);

  vtkNew<vtkScalarBarActor> bar;
  bar->SetLookupTable(colours);
  bar->SetTitle("von Mises (MPa)");
  bar->SetNumberOfLabels(6);
  bar->SetLabelFormat("%-#6.3g");
  bar->SetVerticalTitleSeparation(10);
  bar->SetWidth(0.08);
  bar->SetHeight(0.7);
  bar->SetPosition(0.9, 0.15);
  bar->GetTitleTextProperty()->SetColor(0, 0, 0);
  bar->GetLabelTextProperty()->SetColor(0, 0, 0);

  char caption[512];
  std::snprintf(caption, sizeof caption, "%s\ndeformation x %.3g (max %.3g mm)", argv[3], scale, u_max);
  vtkNew<vtkTextActor> text;
  text->SetInput(caption);
  text->SetDisplayPosition(15, 15);
  text->GetTextProperty()->SetFontSize(18);
  text->GetTextProperty()->SetColor(0, 0, 0);

  vtkNew<vtkRenderer> renderer;
  renderer->SetBackground(1, 1, 1);
  renderer->AddActor(actor);
  renderer->AddActor2D(bar);
  renderer->AddActor2D(text);
  // An isometric view from the front left, above: front wall and left side in view.
  vtkCamera *camera = renderer->GetActiveCamera();
  camera->SetFocalPoint(0, 0, 0);
  camera->SetPosition(-1, 1.2, 0.9);
  camera->SetViewUp(0, 0, 1);
  renderer->ResetCamera();
  camera->Zoom(1.2);

  vtkNew<vtkRenderWindow> window;
  window->SetOffScreenRendering(1);
  window->AddRenderer(renderer);
  window->SetSize(1280, 800);
  window->Render();

  vtkNew<vtkWindowToImageFilter> image;
  image->SetInput(window);
  image->Update();
  vtkNew<vtkPNGWriter> png;
  png->SetFileName(argv[2]);
  png->SetInputConnection(image->GetOutputPort());
  png->Write();
  return png->GetErrorCode() == 0 ? 0 : 1;
}
